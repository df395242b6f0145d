/**
 * A small IAM policy evaluator for identity-based policies, as the IAM User Guide's policy evaluation logic describes
 * it for one account: a request is allowed when some Allow statement matches it and no Deny statement does.
 * A statement matches when its action, its resource and every condition match
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 *
 * It knows what this library's policies use, and refuses anything else rather than guess: `Action` and `Resource`
 * with `*` and `?` wildcards (actions case-insensitive, resources case-sensitive), and the condition operators
 * StringEquals, StringLike, ArnEquals, ArnLike and Null, each key's values ORed, keys and operators ANDed
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
 * Condition key names are case-insensitive, values case-sensitive.
 */

/** One authorization: the action, the resource's ARN, and the request's condition context. */
export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  /** Condition keys of the request (`iam:PassedToService`, `ssm:resourceTag/Role`...). */
  readonly context?: Record<string, string>;
}

/** A policy statement as synthesized, its values resolved. */
export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
  readonly NotAction?: unknown;
  readonly NotResource?: unknown;
  readonly Principal?: unknown;
}

/** Whether the statements allow the request. */
export function isAllowed(statements: Statement[], request: AuthorizationRequest): boolean {
  const matching = statements.filter((statement) => matches(statement, request));
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

function matches(statement: Statement, request: AuthorizationRequest): boolean {
  if (statement.NotAction !== undefined || statement.NotResource !== undefined || statement.Principal !== undefined) {
    throw new Error(`the evaluator does not know NotAction, NotResource or Principal: ${JSON.stringify(statement)}`);
  }
  return list(statement.Action).some((action) => wildcard(action, true).test(request.action))
    && list(statement.Resource).some((resource) => wildcard(resource, false).test(request.resource))
    && Object.entries(statement.Condition ?? {}).every(([operator, keys]) => conditionHolds(operator, keys, request.context ?? {}));
}

function conditionHolds(operator: string, keys: Record<string, string | string[]>, context: Record<string, string>): boolean {
  const valueOf = (key: string) => Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
  return Object.entries(keys).every(([key, expected]) => {
    const actual = valueOf(key);
    const values = list(expected);
    switch (operator) {
      case 'StringEquals':
      case 'ArnEquals':
        return actual !== undefined && values.includes(actual);
      case 'StringLike':
      case 'ArnLike':
        return actual !== undefined && values.some((value) => wildcard(value, false).test(actual));
      case 'Null':
        // `true`: the key is absent; `false`: present.
        return values.some((value) => (value === 'true') === (actual === undefined));
      default:
        throw new Error(`the evaluator does not know the condition operator ${operator}`);
    }
  });
}

function wildcard(pattern: string, ignoreCase: boolean): RegExp {
  const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
}

function list<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
