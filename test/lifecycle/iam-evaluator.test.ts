import { isAllowed, Statement } from './iam-evaluator';

const send = (resource: string, context?: Record<string, string>) => ({ action: 'ssm:SendCommand', resource, context });
const INSTANCE = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0';

describe('the IAM evaluator', () => {
  test('an Allow whose action and resource match, wildcards included, allows; actions ignore case', () => {
    const statements: Statement[] = [{ Effect: 'Allow', Action: 'SSM:Send*', Resource: 'arn:aws:ec2:us-east-1:111122223333:instance/*' }];

    expect(isAllowed(statements, send(INSTANCE))).toBe(true);
    expect(isAllowed(statements, send('arn:aws:ssm:us-east-1:111122223333:managed-instance/mi-0123456789abcdef0'))).toBe(false);
    expect(isAllowed(statements, { action: 'ssm:ListCommands', resource: '*' })).toBe(false);
  });

  test('nothing is allowed without an Allow, and a Deny wins', () => {
    expect(isAllowed([], send(INSTANCE))).toBe(false);
    expect(isAllowed([
      { Effect: 'Allow', Action: 'ssm:*', Resource: '*' },
      { Effect: 'Deny', Action: 'ssm:SendCommand', Resource: INSTANCE },
    ], send(INSTANCE))).toBe(false);
  });

  test('conditions: values ORed, keys and operators ANDed, key names ignore case, values do not', () => {
    const statements: Statement[] = [{
      Effect: 'Allow',
      Action: 'ssm:SendCommand',
      Resource: '*',
      Condition: { StringEquals: { 'ssm:resourceTag/Role': ['web', 'api'], 'ssm:resourceTag/Env': 'prod' } },
    }];

    expect(isAllowed(statements, send(INSTANCE, { 'ssm:resourcetag/Role': 'api', 'ssm:resourceTag/Env': 'prod' }))).toBe(true);
    expect(isAllowed(statements, send(INSTANCE, { 'ssm:resourceTag/Role': 'api' }))).toBe(false);
    expect(isAllowed(statements, send(INSTANCE, { 'ssm:resourceTag/Role': 'WEB', 'ssm:resourceTag/Env': 'prod' }))).toBe(false);
  });

  test('Null, StringLike and ArnLike', () => {
    const tagged: Statement[] = [{ Effect: 'Allow', Action: 'ssm:SendCommand', Resource: '*', Condition: { Null: { 'ssm:resourceTag/Role': 'false' } } }];
    const fromRules: Statement[] = [{
      Effect: 'Allow', Action: 'sns:Publish', Resource: '*', Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:111122223333:rule/*' } },
    }];

    expect(isAllowed(tagged, send(INSTANCE, { 'ssm:resourceTag/Role': '' }))).toBe(true);
    expect(isAllowed(tagged, send(INSTANCE))).toBe(false);
    expect(isAllowed(fromRules, { action: 'sns:Publish', resource: 'topic', context: { 'aws:SourceArn': 'arn:aws:events:us-east-1:111122223333:rule/alert' } })).toBe(true);
    expect(isAllowed(fromRules, { action: 'sns:Publish', resource: 'topic', context: { 'aws:SourceArn': 'arn:aws:events:us-east-1:444455556666:rule/alert' } })).toBe(false);
  });

  test('what it does not know is refused loudly, never guessed', () => {
    expect(() => isAllowed([{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }], send(INSTANCE)))
      .toThrow('the evaluator does not know the condition operator NumericLessThan');
    expect(() => isAllowed([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }], send(INSTANCE))).toThrow(/NotAction/);
  });
});
