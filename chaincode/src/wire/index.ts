export * from './signed-payloads';
export * from './compact-consent';
