/**
 * The legacy SDK (fabric-common) builds its winston logger from HFC_LOGGING once, when its modules load, and by
 * default prints every endorsement failure to the console — failures the legacy driver already reports as typed
 * errors. Imported before fabric-network so the setting is in place first; an operator's own HFC_LOGGING wins.
 */
process.env.HFC_LOGGING ??= JSON.stringify({ error: '/dev/null' });

export {};
