import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { checkGiven, validateIn } from '../private/validation';

/**
 * An EventBridge rule made as aws-cdk-lib's own `onEvent()` methods make one: the caller's options (description,
 * rule name, target...), then the construct's own pattern merged in, so that a caller cannot widen it.
 */
export function onEventRule(scope: Construct, id: string, options: events.OnEventOptions | undefined,
  pattern: events.EventPattern): events.Rule {
  // constructs gives a missing id as "Only root constructs may have an empty ID", naming neither construct nor method.
  validateIn(scope, () => checkGiven('id', id));
  const rule = new events.Rule(scope, id, options);
  rule.addEventPattern(pattern);
  rule.addTarget(options?.target);
  return rule;
}
