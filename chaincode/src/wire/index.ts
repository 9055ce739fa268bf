export * from './signed-payloads';
export * from './compact-consent';
export * from './change-event';
