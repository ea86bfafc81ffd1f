// Building blocks for the screens, as the native apps' Components: large touch targets
// (at least 56 px high, most 64 px), large text, numbers typed on the number pad.
import { useId, type ReactNode } from 'react';
import type { IssueView, OperationState, StaffRole, Urgency } from '../generated/types/shared_types';
import { useSay } from './texts';

export function Screen({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="screen" aria-labelledby="screen-title">
      <h1 id="screen-title" tabIndex={-1}>
        {title}
      </h1>
      {children}
    </section>
  );
}

export function Section({ children }: { children: ReactNode }) {
  return <h2>{children}</h2>;
}

export function BigButton({ label, enabled = true, onClick }: { label: string; enabled?: boolean; onClick: () => void }) {
  return (
    <button type="button" className="big" disabled={!enabled} onClick={onClick}>
      {label}
    </button>
  );
}

export function SecondaryButton({ label, enabled = true, onClick }: { label: string; enabled?: boolean; onClick: () => void }) {
  return (
    <button type="button" className="secondary" disabled={!enabled} onClick={onClick}>
      {label}
    </button>
  );
}

/** How an input stands in the core's issues: the worst severity naming its field. */
export function fieldState(issues: IssueView[], field: string): 'error' | 'warning' | null {
  const about = issues.filter((i) => i.fields.some((f) => f === field || f.startsWith(`${field}[`)));
  if (about.some((i) => i.severity.kind === 'Error')) return 'error';
  return about.length > 0 ? 'warning' : null;
}

export function TextInput({
  label,
  value,
  onValue,
  multiline = false,
  name,
  help,
}: {
  label: string;
  value: string;
  onValue: (v: string) => void;
  multiline?: boolean;
  name?: string;
  /** A line under the field, read with it (a free text's "do not name voters"). */
  help?: string;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const described = help ? helpId : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea id={id} name={name} value={value} rows={3} aria-describedby={described} onChange={(e) => onValue(e.target.value)} />
      ) : (
        <input id={id} name={name} value={value} autoComplete="off" aria-describedby={described} onChange={(e) => onValue(e.target.value)} />
      )}
      {help && (
        <p className="help" id={helpId}>
          {help}
        </p>
      )}
    </div>
  );
}

/** A whole number typed on the number pad; `value` is null while empty. */
export function NumberInput({
  label,
  value,
  onValue,
  state = null,
  name,
  help,
}: {
  label: string;
  value: number | null;
  onValue: (v: number | null) => void;
  state?: 'error' | 'warning' | null;
  name?: string;
  /** Where the figure comes from (the core's help for the field). */
  help?: string;
}) {
  const id = useId();
  return (
    <div className={`field${state ? ` field-${state}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {help && (
        <small id={`${id}-help`} className="help">
          {help}
        </small>
      )}
      <input
        id={id}
        name={name}
        aria-describedby={help ? `${id}-help` : undefined}
        inputMode="numeric"
        pattern="[0-9]*"
        autoComplete="off"
        aria-invalid={state === 'error' ? true : undefined}
        value={value === null ? '' : String(value)}
        onChange={(e) => {
          const digits = e.target.value.replace(/\D/g, '').slice(0, 9);
          onValue(digits === '' ? null : Number(digits));
        }}
      />
    </div>
  );
}

/** A row that is one big touch target with a check box. */
export function CheckRow({ label, checked, onToggle }: { label: string; checked: boolean; onToggle: () => void }) {
  return (
    <label className="check-row">
      <input type="checkbox" checked={checked} onChange={onToggle} />
      <span>{label}</span>
    </label>
  );
}

/** Choose one of `options` with large chips (a radio group). */
export function Choice<T>({
  legend,
  options,
  selected,
  label,
  same = (a, b) => JSON.stringify(a, big) === JSON.stringify(b, big),
  onSelect,
}: {
  legend: string;
  options: T[];
  selected: T;
  label: (option: T) => string;
  same?: (a: T, b: T) => boolean;
  onSelect: (option: T) => void;
}) {
  const name = useId();
  return (
    <fieldset className="choice">
      <legend>{legend}</legend>
      {options.map((option, i) => (
        <label key={i} className={same(option, selected) ? 'chip selected' : 'chip'}>
          <input type="radio" name={name} checked={same(option, selected)} onChange={() => onSelect(option)} />
          {label(option)}
        </label>
      ))}
    </fieldset>
  );
}

/** JSON.stringify's replacer for bigint fields. */
export function big(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export const ROLES: StaffRole[] = ['Chair', 'Member', 'Secretary', 'Counter', 'Substitute'].map(
  (kind) => ({ kind }) as StaffRole,
);
export const URGENCIES: Urgency[] = ['Normal', 'High', 'Critical'].map((kind) => ({ kind }) as Urgency);

export function useRoleLabel(): (role: StaffRole) => string {
  const say = useSay();
  return (role) =>
    say(
      (
        {
          Chair: 'role_chair',
          Member: 'role_member',
          Secretary: 'role_secretary',
          Counter: 'role_counter',
          Substitute: 'role_substitute',
        } as const
      )[role.kind],
    );
}

export function StateText({ state }: { state: OperationState }) {
  const say = useSay();
  const key = (
    {
      Saving: 'state_saving',
      Pending: 'state_pending',
      Sent: 'state_sent',
      Confirmed: 'state_confirmed',
      Rejected: 'state_rejected',
    } as const
  )[state.kind];
  const tone = state.kind === 'Confirmed' ? 'ok' : state.kind === 'Rejected' ? 'bad' : 'wait';
  return <span className={`state state-${tone}`}>{say(key)}</span>;
}

/** The issues the core found, errors in red and warnings in amber, with the rule's code. */
export function Issues({ issues }: { issues: IssueView[] }) {
  if (issues.length === 0) return null;
  return (
    <ul className="issues">
      {issues.map((issue, i) => (
        <li key={i} className={issue.severity.kind === 'Error' ? 'issue issue-error' : 'issue issue-warning'}>
          {issue.message} <span className="code">({issue.code})</span>
        </li>
      ))}
    </ul>
  );
}

export function InfoRow({ label, value }: { label: string; value: string }) {
  return (
    <div className="info-row">
      <span>{label}</span>
      <strong>{value}</strong>
    </div>
  );
}

export function orNone(value: number | string | null | undefined, none: string): string {
  return value === null || value === undefined ? none : String(value);
}
