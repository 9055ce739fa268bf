export * from './keys';
export * from './keystore';
export * from './did';
export * from './consent';
export * from './credential';
export * from './wallet';
export * from './mall-client';
