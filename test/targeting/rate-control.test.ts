import { CfnParameter, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Concurrency, ErrorThreshold } from '../../src';
import { receive, RECEIVER } from '../receive';

/** The patterns of `AWS::SSM::Association` `MaxConcurrency` and `MaxErrors`. */
const MAX_CONCURRENCY = /^([1-9][0-9]{0,6}|[1-9][0-9]%|[1-9]%|100%)$/;
const MAX_ERRORS = /^([1-9][0-9]{0,6}|[0]|[1-9][0-9]%|[0-9]%|100%)$/;

describe('Concurrency', () => {
  let stack: Stack;

  beforeEach(() => {
    stack = new Stack();
  });

  test.each([
    [1, '1'],
    [10, '10'],
    [9_999_999, '9999999'],
  ])('count(%d) renders %s', (count, expected) => {
    const value = Concurrency.count(count).value;

    expect(value).toBe(expected);
    expect(value).toMatch(MAX_CONCURRENCY);
  });

  test.each([
    [1, '1%'],
    [9, '9%'],
    [50, '50%'],
    [100, '100%'],
  ])('percentage(%d) renders %s', (percent, expected) => {
    const value = Concurrency.percentage(percent).value;

    expect(value).toBe(expected);
    expect(value).toMatch(MAX_CONCURRENCY);
  });

  test.each([
    [0, 'concurrency must be a whole number between 1 and 9999999 targets, got 0'],
    [-1, 'concurrency must be a whole number between 1 and 9999999 targets, got -1'],
    [1.5, 'concurrency must be a whole number between 1 and 9999999 targets, got 1.5'],
    [10_000_000, 'concurrency must be a whole number between 1 and 9999999 targets, got 10000000'],
    [NaN, 'concurrency must be a whole number between 1 and 9999999 targets, got NaN'],
  ])('count(%d) is rejected', (count, message) => {
    expect(() => receive({ concurrency: Concurrency.count(count) })).toThrow(`${RECEIVER}${message}`);
  });

  test.each([
    [0, 'concurrency must be a whole number between 1 and 100 percent, got 0'],
    [101, 'concurrency must be a whole number between 1 and 100 percent, got 101'],
    [12.5, 'concurrency must be a whole number between 1 and 100 percent, got 12.5'],
  ])('percentage(%d) is rejected', (percent, message) => {
    expect(() => receive({ concurrency: Concurrency.percentage(percent) })).toThrow(`${RECEIVER}${message}`);
  });

  test('renders a token count as a token', () => {
    // GIVEN
    const count = new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber;

    // WHEN
    const value = Concurrency.count(count).value;

    // THEN
    expect(Token.isUnresolved(value)).toBe(true);
    expect(stack.resolve(value)).toEqual({ Ref: 'Count' });
  });

  test('renders a token percentage as a token followed by %', () => {
    // GIVEN
    const percent = new CfnParameter(stack, 'Percent', { type: 'Number' }).valueAsNumber;

    // WHEN
    const value = Concurrency.percentage(percent).value;

    // THEN
    expect(Token.isUnresolved(value)).toBe(true);
    expect(stack.resolve(value)).toEqual({ 'Fn::Join': ['', [{ Ref: 'Percent' }, '%']] });
  });

  test('does not judge a token, even one that resolves out of range', () => {
    const value = Concurrency.count(Lazy.number({ produce: () => 0 })).value;

    expect(stack.resolve(value)).toBe('0');
  });
});

describe('ErrorThreshold', () => {
  let stack: Stack;

  beforeEach(() => {
    stack = new Stack();
  });

  test.each([
    [0, '0'],
    [3, '3'],
    [9_999_999, '9999999'],
  ])('count(%d) renders %s', (count, expected) => {
    const value = ErrorThreshold.count(count).value;

    expect(value).toBe(expected);
    expect(value).toMatch(MAX_ERRORS);
  });

  test.each([
    [0, '0%'],
    [1, '1%'],
    [10, '10%'],
    [100, '100%'],
  ])('percentage(%d) renders %s', (percent, expected) => {
    const value = ErrorThreshold.percentage(percent).value;

    expect(value).toBe(expected);
    expect(value).toMatch(MAX_ERRORS);
  });

  test.each([
    [-1, 'errorThreshold must be a whole number between 0 and 9999999 errors, got -1'],
    [1.5, 'errorThreshold must be a whole number between 0 and 9999999 errors, got 1.5'],
    [10_000_000, 'errorThreshold must be a whole number between 0 and 9999999 errors, got 10000000'],
  ])('count(%d) is rejected', (count, message) => {
    expect(() => receive({ errorThreshold: ErrorThreshold.count(count) })).toThrow(`${RECEIVER}${message}`);
  });

  test.each([
    [-1, 'errorThreshold must be a whole number between 0 and 100 percent, got -1'],
    [101, 'errorThreshold must be a whole number between 0 and 100 percent, got 101'],
    [0.5, 'errorThreshold must be a whole number between 0 and 100 percent, got 0.5'],
  ])('percentage(%d) is rejected', (percent, message) => {
    expect(() => receive({ errorThreshold: ErrorThreshold.percentage(percent) })).toThrow(`${RECEIVER}${message}`);
  });

  test('renders a token count as a token', () => {
    const count = new CfnParameter(stack, 'Errors', { type: 'Number' }).valueAsNumber;

    const value = ErrorThreshold.count(count).value;

    expect(Token.isUnresolved(value)).toBe(true);
    expect(stack.resolve(value)).toEqual({ Ref: 'Errors' });
  });

  test('renders a token percentage as a token followed by %', () => {
    const percent = new CfnParameter(stack, 'ErrorPercent', { type: 'Number' }).valueAsNumber;

    const value = ErrorThreshold.percentage(percent).value;

    expect(Token.isUnresolved(value)).toBe(true);
    expect(stack.resolve(value)).toEqual({ 'Fn::Join': ['', [{ Ref: 'ErrorPercent' }, '%']] });
  });
});
