/**
 * The local stack's input transformer against the examples in EventBridge's
 * user guide ("Amazon EventBridge input transformation", the table of
 * templates and their outputs, for the guide's example event).
 */
import type { EventEnvelope } from '../../local/emulators/event-bridge';
import { transformInput } from '../../local/emulators/input-transformer';

const event: EventEnvelope = {
  version: '0', id: '7bf73129-1428-4cd3-a780-95db273d1602', 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2',
  account: '123456789012', time: '2015-11-11T21:29:54Z', region: 'us-east-1', resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};
const pathsMap = { timestamp: '$.time', instance: '$.detail.instance-id', state: '$.detail.state' };
const rule = { name: 'example', arn: 'arn:aws:events:us-east-2:123456789012:rule/example' };
const run = (template: string) => transformInput({ pathsMap, template }, event, rule);

describe('input transformer (EventBridge user guide examples)', () => {
  it('a simple string, and one with escaped quotes', () => {
    expect(run('"instance <instance> is in <state>"')).toBe('"instance i-0123456789 is in RUNNING"');
    expect(run('"instance \\"<instance>\\" is in <state>"')).toBe('"instance \\"i-0123456789\\" is in RUNNING"');
  });

  it('JSON: variables as values are quoted, inside strings they are not', () => {
    expect(JSON.parse(run('{"instance" : <instance>, "state": <state>}'))).toEqual({ instance: 'i-0123456789', state: 'RUNNING' });
    expect(JSON.parse(run('{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}'))).toEqual({
      instance: 'i-0123456789', state: 'RUNNING', instanceStatus: 'instance "i-0123456789" is in RUNNING',
    });
    expect(JSON.parse(run('{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}'))).toEqual({
      instance: 'i-0123456789', state: [9, 'RUNNING', true], Transformed: 'Yes',
    });
  });

  it('reserved variables: the rule, and the event without its detail', () => {
    const out = JSON.parse(run('{"ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event>}'));
    expect(out.ruleArn).toBe(rule.arn);
    expect(out.ruleName).toBe('example');
    const { detail: _detail, ...withoutDetail } = event;
    expect(out.originalEvent).toEqual(withoutDetail);
    expect(run('"<aws.events.rule-name> triggered"')).toBe('"example triggered"');
  });

  it('a CloudWatch log group: timestamp and message', () => {
    expect(JSON.parse(run('{"timestamp":<timestamp>,"message":<aws.events.event>}'))).toMatchObject({ timestamp: '2015-11-11T21:29:54Z', message: { id: event.id } });
  });

  it('a path the event lacks creates no variable', () => {
    expect(transformInput({ pathsMap: { missing: '$.detail.nope' }, template: '"value: <missing>"' }, event, rule)).toBe('"value: <missing>"');
  });
});
