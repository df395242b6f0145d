import { readFileSync } from 'fs';
import { join } from 'path';

const pinned = JSON.parse(readFileSync(join(__dirname, '..', 'oracles', 'gate-requests.json'), 'utf8'));

type Shape = {
  type: string;
  members?: Record<string, string>;
  required?: string[];
  member?: string;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
};
type Service = 'cloudwatch' | 'ssm' | 'cloudformation' | 'dynamodb';

/**
 * Holds a request the gate sends to botocore's model of the operation (pinned in test/oracles/gate-requests.json by
 * gate-requests.py): every member known, every required member there, enums, lengths, ranges and patterns. Returns
 * what is wrong, empty when nothing is.
 */
export function botocoreViolations(service: Service, operation: string, input: unknown): string[] {
  const model = pinned[service] as { operations: Record<string, string>; shapes: Record<string, Shape> };
  const shapeName = model.operations[operation];
  if (!shapeName) {
    return [`${service}.${operation} is not one of the gate's pinned operations`];
  }
  const problems: string[] = [];
  check(model.shapes, shapeName, input, operation, problems);
  return problems;
}

/** botocore's model of the service's errors: which error codes its SDKs know by type. */
export function modelledErrors(service: Service): string[] {
  return pinned[service].errors;
}

function check(shapes: Record<string, Shape>, name: string, value: unknown, path: string, problems: string[]): void {
  const shape = shapes[name];
  if (value === undefined) {
    return;
  }
  switch (shape.type) {
    case 'structure': {
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        if (object[key] !== undefined && !shape.members![key]) {
          problems.push(`${path}.${key}: not a member of ${name}`);
        }
      }
      for (const key of shape.required ?? []) {
        if (object[key] === undefined) {
          problems.push(`${path}.${key}: required by ${name}`);
        }
      }
      for (const [key, member] of Object.entries(shape.members!)) {
        check(shapes, member, object[key], `${path}.${key}`, problems);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        problems.push(`${path}: ${name} is a list`);
        return;
      }
      bounds(shape, value.length, path, problems);
      value.forEach((item, i) => check(shapes, shape.member!, item, `${path}[${i}]`, problems));
      return;
    }
    case 'string':
      if (typeof value !== 'string') {
        problems.push(`${path}: ${name} is a string, got ${typeof value}`);
        return;
      }
      bounds(shape, value.length, path, problems);
      if (shape.enum && !shape.enum.includes(value)) {
        problems.push(`${path}: ${JSON.stringify(value)} is not one of ${shape.enum.join(', ')}`);
      }
      if (shape.pattern && !new RegExp(`^(?:${shape.pattern})$`).test(value)) {
        problems.push(`${path}: ${JSON.stringify(value)} does not match ${shape.pattern}`);
      }
      return;
    case 'integer':
    case 'long':
      if (!Number.isInteger(value)) {
        problems.push(`${path}: ${name} is an integer`);
        return;
      }
      bounds(shape, value as number, path, problems);
      return;
    case 'timestamp':
      if (!(value instanceof Date) || isNaN(value.getTime())) {
        problems.push(`${path}: ${name} is a timestamp`);
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') {
        problems.push(`${path}: ${name} is a boolean`);
      }
      return;
    default:
      return;
  }
}

function bounds(shape: Shape, n: number, path: string, problems: string[]): void {
  if (shape.min !== undefined && n < shape.min) {
    problems.push(`${path}: at least ${shape.min}, got ${n}`);
  }
  if (shape.max !== undefined && n > shape.max) {
    problems.push(`${path}: at most ${shape.max}, got ${n}`);
  }
}
