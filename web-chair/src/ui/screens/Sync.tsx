import type { Event, OperationView, SyncView } from '../../generated/types/shared_types';
import { BigButton, Screen, SecondaryButton, Section } from '../components';
import { useSay } from '../texts';

/** Page.Sync: every report of this device and whether the municipality has it. */
export function Sync({ view, send }: { view: SyncView; send: (e: Event) => void }) {
  const say = useSay();
  return (
    <Screen title={say('sync_title')}>
      <BigButton label={say('reconnect')} onClick={() => send({ kind: 'ReconnectNow' })} />
      {view.rejected.length > 0 && <Section>{say('sync_rejected')}</Section>}
      <ul className="operations">
        {view.rejected.map((op) => (
          <Operation key={`r${op.seq}`} op={op}>
            <SecondaryButton label={say('dismiss')} onClick={() => send({ kind: 'DismissRejected', seq: op.seq })} />
          </Operation>
        ))}
      </ul>
      <Section>{say('sync_operations')}</Section>
      <ul className="operations">
        {view.operations.map((op) => (
          <Operation key={String(op.seq)} op={op} />
        ))}
      </ul>
      {view.protocol_errors > 0n && <p className="overdue">{say('sync_protocol_errors', String(view.protocol_errors))}</p>}
      <p>
        <small>{say('sync_device', view.device_id)}</small>
      </p>
    </Screen>
  );
}

function Operation({ op, children }: { op: OperationView; children?: React.ReactNode }) {
  const tone = op.state.kind === 'Confirmed' ? 'ok' : op.state.kind === 'Rejected' ? 'bad' : 'wait';
  return (
    <li className="card operation" data-seq={String(op.seq)} data-kind={op.kind} data-state={op.state.kind}>
      <div>
        <strong>
          #{String(op.seq)} {op.label} · {op.recorded_at}
        </strong>
        <div className={`state state-${tone}`}>{op.state_label}</div>
        {op.reason !== null && <div className="overdue">{op.reason}</div>}
      </div>
      {children}
    </li>
  );
}
