export * from './instance-targets';
export * from './rate-control';
