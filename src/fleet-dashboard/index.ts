export * from './fleet-dashboard';
