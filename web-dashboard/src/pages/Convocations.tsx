// The follow-up of the convocation: per station who is convoked, in which role, where
// their answer stands (and why they declined), and what is still missing; a CSV of
// it for a spreadsheet. For the control room of the municipality only (the API's
// roles decide, src/access.ts).
import { getJson, loadSession, save } from '../api/client';
import type { ConvocationOverview, ConvocationStatus } from '../api/types';
import { useI18n, type Key } from '../i18n';
import { formatDate, formatDateTime } from '../format';
import { ErrorMessage, useLoad, Wide } from '../util';

const STATUS: Record<ConvocationStatus, Key> = {
  proposed: 'convocation_proposed_staff',
  invited: 'convocation_invited_staff',
  confirmed: 'convocation_confirmed_staff',
  declined: 'convocation_declined_staff',
  lapsed: 'convocation_lapsed_staff',
  availability_stated: 'convocation_availability_stated_staff',
};

/**
 * A CSV field, quoted where it must be. A text that a spreadsheet would read as a
 * formula (a decline's reason is typed by anyone with a code) starts with a quote mark.
 */
export function field(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[;"\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function Convocations() {
  const { t } = useI18n();
  const code = loadSession()?.municipality ?? '';
  const { data, error, reload } = useLoad(() => getJson<ConvocationOverview>(`/api/municipalities/${code}/convocations`), [code]);
  if (error) return <ErrorMessage error={error} retry={reload} />;
  if (!data) return <p>{t('loading')}</p>;

  const people = data.stations.flatMap((s) => s.people);
  const count = (status: ConvocationStatus) => people.filter((p) => p.status === status).length;
  const missing = data.stations.flatMap((s) => s.gaps).reduce((n, g) => n + g.missing, 0);

  const download = () => {
    const rows = [[t('stationColumn'), t('roleColumn'), t('nameColumn'), t('statusColumn'), t('reasonColumn'), t('servicesColumn')]];
    for (const s of data.stations) {
      for (const p of s.people) rows.push([`${s.number} ${s.name}`, t(`role_${p.role}` as Key), p.name, t(STATUS[p.status]), p.decline_reason ?? (p.availability ? t('availabilityPrefix', { text: p.availability }) : ''), String(p.services)]);
      for (const g of s.gaps) rows.push([`${s.number} ${s.name}`, t(`role_${g.role}` as Key), '', t('convocationMissing', { n: g.missing }), '', '']);
    }
    const text = rows.map((r) => r.map(field).join(';')).join('\r\n') + '\r\n';
    save(new Blob(['\ufeff' + text], { type: 'text/csv;charset=utf-8' }), `oproepen-${code}.csv`);
  };

  return (
    <section aria-labelledby="convocations-title">
      <h1 id="convocations-title">{t('convocationsTitle')}</h1>
      <p data-testid="convocation-counts">
        {t('convocationCounts', {
          confirmed: count('confirmed'),
          invited: count('invited'),
          declined: count('declined'),
          lapsed: count('lapsed'),
          proposed: count('proposed'),
          missing,
          reserve: data.reserve,
        })}
      </p>
      <button type="button" onClick={download}>{t('exportCsv')}</button>
      <Wide label={t('convocationsTitle')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('stationColumn')}</th>
              <th scope="col">{t('roleColumn')}</th>
              <th scope="col">{t('nameColumn')}</th>
              <th scope="col">{t('statusColumn')}</th>
              <th scope="col">{t('sinceColumn')}</th>
              <th scope="col">{t('reasonColumn')}</th>
              <th scope="col">{t('servicesColumn')}</th>
            </tr>
          </thead>
          <tbody>
            {data.stations.flatMap((s) => [
              ...s.people.map((p) => (
                <tr key={`${s.station_id}-${p.candidate_id}`} data-station={s.station_id} data-status={p.status}>
                  <th scope="row">{`${s.number} ${s.name}`}</th>
                  <td>{t(`role_${p.role}` as Key)}</td>
                  <td>{p.name}</td>
                  <td>{t(STATUS[p.status])}</td>
                  <td>{formatDateTime(p.since)}</td>
                  <td>{p.decline_reason ?? (p.availability ? t('availabilityPrefix', { text: p.availability }) : '')}</td>
                  <td data-testid="services">
                    {p.history.length > 0 ? (
                      <details>
                        <summary>
                          {t('servicesHistory', { n: p.services })}
                          {p.may_refuse ? ` (${t('mayRefuse')})` : ''}
                        </summary>
                        <ul>
                          {p.history.map((h) => (
                            <li key={h.election_id}>
                              {t('serviceLine', { election: h.election_name, date: formatDate(h.date), role: t(`role_${h.role}` as Key), number: h.station_number })}
                            </li>
                          ))}
                        </ul>
                      </details>
                    ) : (
                      `${p.services}${p.may_refuse ? ` (${t('mayRefuse')})` : ''}`
                    )}
                  </td>
                </tr>
              )),
              ...s.gaps.map((g) => (
                <tr key={`${s.station_id}-gap-${g.role}`} data-station={s.station_id} data-status="missing" className="problem">
                  <th scope="row">{`${s.number} ${s.name}`}</th>
                  <td>{t(`role_${g.role}` as Key)}</td>
                  <td />
                  <td>{t('convocationMissing', { n: g.missing })}</td>
                  <td />
                  <td />
                  <td />
                </tr>
              )),
            ])}
          </tbody>
        </table>
      </Wide>
    </section>
  );
}
