export * from './package-ring-rollout';
export * from './package-ring-rollout-props';
export * from './rollout-ring';
