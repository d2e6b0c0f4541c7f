// Every socket in a virtualized table (50,000 rows stay smooth: only the visible rows exist in the DOM
// and only the visible pages are fetched, once per tick).
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { TFunction } from '../../../shared/i18n';
import type { Formatter } from '../../../shared/i18n/format';
import type { SocketSortKey } from '../../../shared/snapshot';
import { serviceName } from '../../../shared/services';
import { TCP_STATES, type TcpState } from '../../../shared/tcp';
import { STATE_COLORS } from '../../format';
import { useFormat, useMsgText, useT } from '../../i18n';
import { measureRender } from '../../perf';
import { useDashboard, useDashboardStore } from '../../store/context';
import { type ConnectionFilters, loadFilters, portError, saveFilters, toQuery, DEFAULT_FILTERS } from './filters';
import { ConnectionsModel, type DisplayRow, ownerText, PAGE_SIZE } from './model';
import { ConnectionDetail } from './ConnectionDetail';
import { loadResolveNames, mergeNames, nameRequests, remoteAddresses, saveResolveNames } from './names';

export const ROW_HEIGHT = 28;

/** Column headers: t(`connections.col.${sort}`). */
const COLUMNS: { sort: SocketSortKey; className: string }[] = [
  { sort: 'state', className: 'c-state' },
  { sort: 'local', className: 'c-addr' },
  { sort: 'localPort', className: 'c-port' },
  { sort: 'remote', className: 'c-addr' },
  { sort: 'remotePort', className: 'c-port' },
  { sort: 'timerLeftMs', className: 'c-num' },
  { sort: 'txQueue', className: 'c-num' },
  { sort: 'rxQueue', className: 'c-num' },
  { sort: 'uid', className: 'c-num' },
  { sort: 'process', className: 'c-proc' },
];

/** The time left on a row's timer, as shown: a unit and its number (null: no timer shown). */
function timerLeft(r: DisplayRow): { unit: 'h' | 'min' | 's'; value: number; digits: number } | null {
  if (r.timer === 'none' || r.timerLeftMs <= 0) return null;
  const s = r.timerLeftMs / 1000;
  if (s >= 3600) return { unit: 'h', value: Math.round(s / 360) / 10, digits: 1 };
  if (s >= 120) return { unit: 'min', value: Math.round(s / 60), digits: 0 };
  if (s >= 10) return { unit: 's', value: Math.round(s), digits: 0 };
  return { unit: 's', value: Math.round(s * 10) / 10, digits: 1 };
}

/** What changes the timer cell (cheap, language-free: the row re-renders on a switch by itself). */
function timerKey(r: DisplayRow): string {
  const l = timerLeft(r);
  return l ? `${r.timer}|${l.unit}|${l.value}` : '';
}

function timerText(r: DisplayRow, t: TFunction, f: Formatter): string {
  const l = timerLeft(r);
  if (!l || r.timer === 'none') return '';
  const left = t(`connections.timer.unit.${l.unit}`, { n: f.fixed(l.value, l.digits) });
  return t(`connections.timer.kind.${r.timer}`, { left });
}

/** Port → service name (AppInfo.services, from the host's /etc/services); null before getInfo answers. */
type Services = Readonly<Record<number, string>> | null;

/** A port with its service name beside it ("443 https"; docs/names.md). */
function PortCell({ port, services }: { port: number; services: Services }) {
  const t = useT();
  const name = serviceName(services, port);
  return (
    <div className="c-port mono" role="cell" title={name ? t('connections.portService', { port, name }) : undefined}>
      {port}
      {name && <span className="svc"> {name}</span>}
    </div>
  );
}

interface RowProps {
  r: DisplayRow;
  top: number;
  services: Services;
  /** the remote address's reverse-DNS name, when names are on and it has one */
  host: string | null;
  selected: boolean;
  onSelect: (r: DisplayRow) => void;
}

/** A row re-renders only when something it shows changed (each refresh brings new row objects). */
function sameRow(a: RowProps, b: RowProps): boolean {
  const x = a.r;
  const y = b.r;
  return (
    a.top === b.top &&
    a.services === b.services &&
    a.host === b.host &&
    a.selected === b.selected &&
    x.key === y.key &&
    x.mark === y.mark &&
    x.state === y.state &&
    x.timer === y.timer &&
    timerKey(x) === timerKey(y) &&
    x.txQueue === y.txQueue &&
    x.rxQueue === y.rxQueue &&
    x.uid === y.uid &&
    x.pid === y.pid &&
    x.comm === y.comm &&
    x.inode === y.inode
  );
}

const Row = memo(function Row({ r, top, services, host, selected, onSelect }: RowProps) {
  const t = useT();
  const f = useFormat();
  const owner = ownerText(r, t);
  return (
    <div
      className={`row ${r.mark ? `mark-${r.mark}` : ''} ${selected ? 'selected' : ''}`}
      role="row"
      aria-selected={selected}
      style={{ transform: `translateY(${top}px)` }}
      data-state={r.state}
      onClick={() => onSelect(r)}
    >
      <div className="c-state" role="cell">
        <span className="dot" style={{ background: STATE_COLORS[r.state] }} />
        {r.state}
      </div>
      <div className="c-addr mono" role="cell" title={r.localAddr}>
        {r.localAddr}
      </div>
      <PortCell port={r.localPort} services={services} />
      <div className="c-addr mono" role="cell" title={host ? `${r.remoteAddr} (${host})` : r.remoteAddr}>
        {r.remoteAddr}
        {host && <span className="host"> {host}</span>}
      </div>
      <PortCell port={r.remotePort} services={services} />
      <div className="c-num" role="cell" title={r.timer === 'none' ? undefined : t(`connections.timer.title.${r.timer}`)}>
        {timerText(r, t, f)}
      </div>
      <div className="c-num" role="cell">
        {r.txQueue || ''}
      </div>
      <div className="c-num" role="cell">
        {r.rxQueue || ''}
      </div>
      <div className="c-num" role="cell">
        {r.uid}
      </div>
      <div className={`c-proc ${owner.kernel ? 'kernel' : ''}`} role="cell" title={owner.text}>
        {owner.text}
      </div>
    </div>
  );
}, sameRow);

function StateChips({ filters, onChange }: { filters: ConnectionFilters; onChange: (f: ConnectionFilters) => void }) {
  const states = useDashboard((s) => s.snapshot?.states ?? null);
  const t = useT();
  const f = useFormat();
  const toggle = (st: TcpState) => {
    const on = filters.states.includes(st);
    onChange({ ...filters, states: on ? filters.states.filter((x) => x !== st) : [...filters.states, st] });
  };
  return (
    <div className="chips" role="group" aria-label={t('connections.filter.states')}>
      {TCP_STATES.filter((st) => (states?.[st] ?? 0) > 0 || filters.states.includes(st)).map((st) => (
        <button
          key={st}
          type="button"
          className="chip"
          aria-pressed={filters.states.includes(st)}
          onClick={() => toggle(st)}
          style={{ '--state': STATE_COLORS[st] } as React.CSSProperties}
          data-testid={`filter-state-${st}`}
        >
          {st} <span className="chip-n">{f.count(states?.[st] ?? 0)}</span>
        </button>
      ))}
    </div>
  );
}

export function ConnectionsView() {
  const [filters, setFiltersState] = useState<ConnectionFilters>(loadFilters);
  const setFilters = useCallback((f: ConnectionFilters) => {
    saveFilters(f);
    setFiltersState(f);
  }, []);
  const t = useT();
  const f = useFormat();
  const { api, dashboard } = useDashboardStore();
  const info = useDashboard((s) => s.info);
  const msgText = useMsgText();
  /** why ports show no service names (no /etc/services on the host), in the page's language */
  const servicesNote = info && (info.servicesNoteMsg || info.servicesNote) ? msgText(info.servicesNoteMsg, info.servicesNote) : null;
  // the connection whose details are open (a copy: the table's rows come and go)
  const [selected, setSelected] = useState<DisplayRow | null>(null);
  const onSelect = useCallback((r: DisplayRow) => setSelected((cur) => (cur?.key === r.key ? null : { ...r })), []);
  const services = useDashboard((s) => s.info?.services ?? null);
  // reverse DNS: the user's toggle, and whether the host looks names up at all (serve may not)
  const canResolve = useDashboard((s) => s.info?.reverseDns === true);
  const [resolveOn, setResolveOnState] = useState<boolean>(loadResolveNames);
  const [hostNames, setHostNames] = useState<ReadonlyMap<string, string | null>>(() => new Map());
  const namesWanted = resolveOn && canResolve;
  const namesWantedRef = useRef(namesWanted);
  namesWantedRef.current = namesWanted;
  const setResolveOn = (on: boolean) => {
    saveResolveNames(on);
    setResolveOnState(on);
    if (!on) setHostNames(new Map());
  };
  const modelRef = useRef(new ConnectionsModel());
  const model = modelRef.current;
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  /** why the table could not be read (the host's English detail, shown inside a translated sentence) */
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const scrollRef = useRef<HTMLDivElement>(null);
  const pError = portError(filters.port);

  const count = model.count();
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  const last = items.length ? items[items.length - 1].index : PAGE_SIZE - 1;

  // filters changed: start over
  const queryKey = JSON.stringify(toQuery(filters));
  useEffect(() => {
    model.reset();
    setLoaded(false);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    rerender();
  }, [queryKey, model]);

  // fetch the visible pages once per tick and when scrolling reaches an unloaded page. A tick
  // starts the fetch from a store subscription, not from a render: the view re-renders when the
  // pages arrive (measureRender 'table'), not once more for the tick itself.
  const pagesKey = model.pagesFor(first, last).join(',');
  const inFlight = useRef(false);
  /** bumped when the pages or the query change: an answer for an older generation is dropped */
  const fetchGen = useRef(0);
  const wanted = useRef({ pagesKey, filters });
  wanted.current = { pagesKey, filters };
  const fetchPages = useCallback(() => {
    if (inFlight.current) return;
    const gen = fetchGen.current;
    const pages = wanted.current.pagesKey.split(',').map(Number);
    const base = toQuery(wanted.current.filters);
    inFlight.current = true;
    Promise.all(pages.map((p) => api.querySockets({ ...base, offset: p * PAGE_SIZE, limit: PAGE_SIZE })))
      .then((results) => {
        if (gen !== fetchGen.current) return;
        measureRender('table', () => {
          const now = Date.now();
          model.retainPages(pages);
          results.forEach((res, i) => model.applyPage(pages[i], res.rows, res.total, res.tableSize, res.tableAt, now));
          setError(null);
          setLoaded(true);
          rerender();
        });
        // names for the rows just fetched (the screen's pages), only while the user wants them; the
        // host answers what it knows and looks up the rest for a later refresh
        if (namesWantedRef.current) {
          for (const chunk of nameRequests(remoteAddresses(results.flatMap((res) => res.rows)))) {
            api
              .resolveNames(chunk)
              .then((answer) => {
                if (namesWantedRef.current) setHostNames((known) => mergeNames(known, answer));
              })
              .catch(() => undefined); // names are a nicety: the table stays as it is
          }
        }
      })
      .catch((e: unknown) => {
        if (gen === fetchGen.current) setError((e as Error).message);
      })
      .finally(() => {
        if (gen === fetchGen.current) inFlight.current = false;
      });
  }, [api, model]);
  useEffect(() => {
    fetchPages();
    return () => {
      fetchGen.current++;
      inFlight.current = false;
    };
  }, [pagesKey, queryKey, fetchPages]);
  useEffect(
    () =>
      dashboard.store.subscribe((s, prev) => {
        if ((s.snapshot?.seq ?? -1) !== (prev.snapshot?.seq ?? -1)) fetchPages();
      }),
    [dashboard, fetchPages],
  );

  const sortBy = (key: SocketSortKey) =>
    setFilters({ ...filters, sort: key, descending: filters.sort === key ? !filters.descending : false });

  return (
    <section className="view connections" aria-labelledby="connections-title">
      <div className="view-head">
        <h2 id="connections-title">{t('app.views.connections')}</h2>
        <span className="headline-count" data-testid="connections-total">
          {t('connections.total', { count: model.tableSize, shown: f.count(model.total), n: f.count(model.tableSize) })}
        </span>
      </div>
      <div className="card filters">
        <StateChips filters={filters} onChange={setFilters} />
        <div className="filter-row">
          <label>
            {t('connections.filter.address')}
            <input
              type="search"
              value={filters.address}
              placeholder={t('connections.filter.addressPlaceholder')}
              title={t('connections.filter.addressTitle')}
              onChange={(e) => setFilters({ ...filters, address: e.target.value })}
            />
          </label>
          <label>
            {t('connections.filter.port')}
            <input
              type="search"
              inputMode="numeric"
              value={filters.port}
              placeholder={t('connections.filter.portPlaceholder')}
              aria-invalid={pError !== null}
              onChange={(e) => setFilters({ ...filters, port: e.target.value })}
            />
          </label>
          <label>
            {t('connections.filter.process')}
            <input
              type="search"
              value={filters.process}
              placeholder={t('connections.filter.processPlaceholder')}
              onChange={(e) => setFilters({ ...filters, process: e.target.value })}
            />
          </label>
          <label
            className="toggle"
            title={
              canResolve ? t('connections.filter.namesTitle') : t('connections.filter.namesOffTitle')
            }
          >
            <input
              type="checkbox"
              checked={namesWanted}
              disabled={!canResolve}
              onChange={(e) => setResolveOn(e.target.checked)}
              data-testid="resolve-names"
            />
            {t('connections.filter.names')}
          </label>
          <button type="button" className="link" onClick={() => setFilters(DEFAULT_FILTERS)}>
            {t('connections.filter.clear')}
          </button>
          <span className="legend">
            <span className="swatch mark-new" /> {t('connections.mark.new')} <span className="swatch mark-changed" /> {t('connections.mark.changed')}{' '}
            <span className="swatch mark-gone" /> {t('connections.mark.gone')}
          </span>
        </div>
        {pError && <div className="field-error">{t(pError)}</div>}
        {servicesNote && (
          <div className="hint" data-testid="services-note">
            {servicesNote}
          </div>
        )}
      </div>
      {error && <div className="banner error">{t('connections.readError', { error })}</div>}
      <div className="card table-card">
        <div className="vt-head" role="row">
          {COLUMNS.map((c) => (
            <button
              key={c.sort}
              type="button"
              role="columnheader"
              className={c.className}
              aria-sort={filters.sort === c.sort ? (filters.descending ? 'descending' : 'ascending') : 'none'}
              onClick={() => sortBy(c.sort)}
            >
              {t(`connections.col.${c.sort}`)}
              {filters.sort === c.sort ? (filters.descending ? ' ▾' : ' ▴') : ''}
            </button>
          ))}
        </div>
        <div ref={scrollRef} className="vt-body" role="table" aria-rowcount={count} tabIndex={0} data-testid="connections-table">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((it) => {
              const r = model.rowAt(it.index);
              return r ? (
                <Row
                  key={`${r.key}|${r.mark === 'gone' ? 'g' : ''}`}
                  r={r}
                  top={it.start}
                  services={services}
                  host={namesWanted ? (hostNames.get(r.remoteAddr) ?? null) : null}
                  selected={selected?.key === r.key}
                  onSelect={onSelect}
                />
              ) : (
                <div key={`p${it.index}`} className="row placeholder" style={{ transform: `translateY(${it.start}px)` }} />
              );
            })}
          </div>
          {loaded && count === 0 && (
            <p className="empty">{model.tableSize === 0 ? t('connections.empty.table') : t('connections.empty.filtered')}</p>
          )}
          {!loaded && !error && <p className="empty">{t('connections.empty.loading')}</p>}
        </div>
      </div>
      {selected ? (
        <ConnectionDetail row={selected} api={api} info={info} onClose={() => setSelected(null)} />
      ) : (
        <p className="hint">{t('connections.selectHint')}</p>
      )}
    </section>
  );
}
