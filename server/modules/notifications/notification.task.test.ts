import { describe, expect, it } from 'vitest';
import { crontabOf, taskListOf } from '@/server/sync/task';
import { notificationSendTask, notificationsTickTask } from './notification.task';

describe('notification tasks', () => {
  it('accept what queueNotification enqueues and graphile cron payloads; one crontab line', () => {
    const tasks = [notificationSendTask, notificationsTickTask];
    expect(Object.keys(taskListOf(tasks))).toEqual(['notification_send', 'notifications_tick']);
    expect(
      notificationSendTask.schema.safeParse({ notificationId: '00000000-0000-4000-8000-000000000001' })
        .success,
    ).toBe(true);
    expect(notificationSendTask.schema.safeParse({ notificationId: 'nope' }).success).toBe(false);
    expect(
      notificationsTickTask.schema.safeParse({ _cron: { ts: '2026-02-01T00:15:00.000Z', backfilled: false } })
        .success,
    ).toBe(true);
    expect(crontabOf(tasks)).toBe(
      '*/5 * * * * notifications_tick ?fill=1h&max=1&jobKey=notifications_tick\n',
    );
  });
});
