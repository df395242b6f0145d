export * from './inventory-sync-destination';
export * from './organization-inventory';
export * from './package-inventory-sync';
