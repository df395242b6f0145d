export * from './organization-package-buckets';
export * from './organization-rollout';
export * from './rollout-pace';
