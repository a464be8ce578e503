import type { TaskNameEvent } from '@sched/contracts';
import { specFor } from '../testing/given-when-then';
import { taskNameDecider } from './task-name.decider';

const given = specFor(taskNameDecider);
const name = 'nightly report';
const claimedBy = (taskId: string): TaskNameEvent => ({ type: 'TaskNameClaimed', data: { name, taskId } });
const releasedBy = (taskId: string): TaskNameEvent => ({ type: 'TaskNameReleased', data: { name, taskId } });
const claim = (taskId: string, holderStillHolds = true) => ({ type: 'ClaimName', data: { name, taskId, holderStillHolds } }) as const;

describe('task name reservations', () => {
  it('a free name is claimed', () => given().when(claim('a')).then(claimedBy('a')));
  it('a name another task holds is a CONFLICT', () => given(claimedBy('a')).when(claim('b')).thenThrows('CONFLICT', /already exists/));
  it('claiming a name one already holds changes nothing', () => given(claimedBy('a')).when(claim('a')).thenNothingHappened());
  it('a released name can be claimed again', () => given(claimedBy('a'), releasedBy('a')).when(claim('b')).then(claimedBy('b')));
  it('a stale reservation (its holder no longer has the name) is taken over', () =>
    given(claimedBy('a')).when(claim('b', false)).then(claimedBy('b')));
  it('only the holder releases', () => {
    given(claimedBy('a')).when({ type: 'ReleaseName', data: { name, taskId: 'a' } }).then(releasedBy('a'));
    given(claimedBy('b')).when({ type: 'ReleaseName', data: { name, taskId: 'a' } }).thenNothingHappened();
    given().when({ type: 'ReleaseName', data: { name, taskId: 'a' } }).thenNothingHappened();
  });
});
