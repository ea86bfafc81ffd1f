import type { DaySummaryView, Event, SummaryReportView } from '../../generated/types/shared_types';
import { BigButton, Screen, SecondaryButton } from '../components';
import { useSay } from '../texts';

/**
 * Page.Summary: every report of today and whether the municipality has it, the paper
 * fallback when a device fails. "Print" prints only this summary (the print stylesheet
 * hides the app's frame); a photograph of the screen does as well.
 */
export function Summary({ view, send }: { view: DaySummaryView; send: (e: Event) => void }) {
  const say = useSay();
  return (
    <Screen title={view.title}>
      <div className="no-print summary-actions">
        <BigButton label={say('summary_print')} onClick={() => window.print()} />
        <SecondaryButton label={say('summary_back')} onClick={() => send({ kind: 'Navigate', value: { kind: 'Day' } })} />
      </div>
      <section className="summary" data-testid="day-summary">
        <h2 className="print-only">{view.title}</h2>
        <p>
          <strong>{view.station}</strong>
          <br />
          {view.election}
          <br />
          {view.printed_at}
        </p>
        {view.reports.length === 0 ? (
          <p>{say('summary_none')}</p>
        ) : (
          <ol className="summary-reports">
            {view.reports.map((report) => (
              <Report key={String(report.seq)} report={report} />
            ))}
          </ol>
        )}
        <p className={view.not_received > 0 ? 'overdue' : ''} data-testid="summary-note">
          {view.note}
        </p>
        <p>
          <small>{say('sync_device', view.device_id)}</small>
        </p>
      </section>
    </Screen>
  );
}

function Report({ report }: { report: SummaryReportView }) {
  return (
    <li className="summary-report" data-seq={String(report.seq)} data-kind={report.kind} data-received={report.received ? 'yes' : 'no'}>
      <div className="summary-head">
        <strong>
          #{String(report.seq)} {report.at} {report.label}
        </strong>
        <span className={`state state-${report.received ? 'ok' : report.state.kind === 'Rejected' ? 'bad' : 'wait'}`}>{report.state_label}</span>
      </div>
      {report.figures.length > 0 && (
        <dl className="summary-figures">
          {report.figures.map((figure, i) => (
            <div key={i}>
              <dt>{figure.label}</dt>
              <dd>{figure.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}
