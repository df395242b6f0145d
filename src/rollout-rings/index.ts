export * from './package-ring-rollout';
export * from './rollout-ring';
