export * from './command-notifications';
export * from './one-time-install';
