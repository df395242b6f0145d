export * from './association-compliance-rule';
export * from './failed-nodes-alarm-options';
