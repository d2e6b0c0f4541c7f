// Every socket in a virtualized table (50,000 rows stay smooth: only the visible rows exist in the DOM
// and only the visible pages are fetched, once per tick).
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { SocketSortKey } from '../../../shared/snapshot';
import { serviceName } from '../../../shared/services';
import { TCP_STATES, type TcpState } from '../../../shared/tcp';
import { fmtCount, STATE_COLORS } from '../../format';
import { measureRender } from '../../perf';
import { useDashboard, useDashboardStore } from '../../store/context';
import { type ConnectionFilters, loadFilters, portError, saveFilters, toQuery, DEFAULT_FILTERS } from './filters';
import { ConnectionsModel, type DisplayRow, ownerText, PAGE_SIZE } from './model';
import { ConnectionDetail } from './ConnectionDetail';
import { loadResolveNames, mergeNames, nameRequests, remoteAddresses, saveResolveNames } from './names';

export const ROW_HEIGHT = 28;

const COLUMNS: { label: string; sort: SocketSortKey; className: string }[] = [
  { label: 'State', sort: 'state', className: 'c-state' },
  { label: 'Local address', sort: 'local', className: 'c-addr' },
  { label: 'Port', sort: 'localPort', className: 'c-port' },
  { label: 'Remote address', sort: 'remote', className: 'c-addr' },
  { label: 'Port', sort: 'remotePort', className: 'c-port' },
  { label: 'Timer', sort: 'timerLeftMs', className: 'c-num' },
  { label: 'Send-Q', sort: 'txQueue', className: 'c-num' },
  { label: 'Recv-Q', sort: 'rxQueue', className: 'c-num' },
  { label: 'UID', sort: 'uid', className: 'c-num' },
  { label: 'Process', sort: 'process', className: 'c-proc' },
];

const TIMER_PREFIX: Record<string, string> = { timewait: '', retransmit: 'rto ', keepalive: 'ka ', probe: 'probe ', none: '' };

function timerText(r: DisplayRow): string {
  if (r.timer === 'none' || r.timerLeftMs <= 0) return '';
  const s = r.timerLeftMs / 1000;
  const left = s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 120 ? `${Math.round(s / 60)} min` : s >= 10 ? `${Math.round(s)} s` : `${s.toFixed(1)} s`;
  return `${TIMER_PREFIX[r.timer] ?? ''}${left}`;
}

/** Port → service name (AppInfo.services, from the host's /etc/services); null before getInfo answers. */
type Services = Readonly<Record<number, string>> | null;

/** A port with its service name beside it ("443 https"; docs/names.md). */
function PortCell({ port, services }: { port: number; services: Services }) {
  const name = serviceName(services, port);
  return (
    <div className="c-port mono" role="cell" title={name ? `${port} (${name} in /etc/services)` : undefined}>
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
    timerText(x) === timerText(y) &&
    x.txQueue === y.txQueue &&
    x.rxQueue === y.rxQueue &&
    x.uid === y.uid &&
    x.pid === y.pid &&
    x.comm === y.comm &&
    x.inode === y.inode
  );
}

const Row = memo(function Row({ r, top, services, host, selected, onSelect }: RowProps) {
  const owner = ownerText(r);
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
      <div className="c-num" role="cell" title={r.timer === 'none' ? undefined : `${r.timer} timer`}>
        {timerText(r)}
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
  const toggle = (st: TcpState) => {
    const on = filters.states.includes(st);
    onChange({ ...filters, states: on ? filters.states.filter((x) => x !== st) : [...filters.states, st] });
  };
  return (
    <div className="chips" role="group" aria-label="Show states">
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
          {st} <span className="chip-n">{fmtCount(states?.[st] ?? 0)}</span>
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
  const tick = useDashboard((s) => s.snapshot?.seq ?? -1);
  const { api } = useDashboardStore();
  const info = useDashboard((s) => s.info);
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

  // fetch the visible pages once per tick and when scrolling reaches an unloaded page
  const pagesKey = model.pagesFor(first, last).join(',');
  const inFlight = useRef(false);
  useEffect(() => {
    if (inFlight.current) return;
    const pages = pagesKey.split(',').map(Number);
    const base = toQuery(filters);
    inFlight.current = true;
    let cancelled = false;
    Promise.all(pages.map((p) => api.querySockets({ ...base, offset: p * PAGE_SIZE, limit: PAGE_SIZE })))
      .then((results) => {
        if (cancelled) return;
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
        if (!cancelled) setError(`Could not read the socket table: ${(e as Error).message}`);
      })
      .finally(() => {
        inFlight.current = false;
      });
    return () => {
      cancelled = true;
      inFlight.current = false;
    };
  }, [tick, pagesKey, queryKey]);

  const sortBy = (key: SocketSortKey) =>
    setFilters({ ...filters, sort: key, descending: filters.sort === key ? !filters.descending : false });

  return (
    <section className="view connections" aria-labelledby="connections-title">
      <div className="view-head">
        <h2 id="connections-title">Connections</h2>
        <span className="headline-count" data-testid="connections-total">
          {fmtCount(model.total)} of {fmtCount(model.tableSize)} sockets
        </span>
      </div>
      <div className="card filters">
        <StateChips filters={filters} onChange={setFilters} />
        <div className="filter-row">
          <label>
            Address
            <input
              type="search"
              value={filters.address}
              placeholder="e.g. 10.0.0.5, :443, https or a host"
              title="Matches local and remote addresses, ports, service names (https, postgres …) and, with Host names on, the host names already looked up"
              onChange={(e) => setFilters({ ...filters, address: e.target.value })}
            />
          </label>
          <label>
            Port
            <input
              type="search"
              inputMode="numeric"
              value={filters.port}
              placeholder="local or remote"
              aria-invalid={pError !== null}
              onChange={(e) => setFilters({ ...filters, port: e.target.value })}
            />
          </label>
          <label>
            Process
            <input
              type="search"
              value={filters.process}
              placeholder="name or pid"
              onChange={(e) => setFilters({ ...filters, process: e.target.value })}
            />
          </label>
          <label
            className="toggle"
            title={
              canResolve
                ? 'Look up reverse-DNS names of the remote addresses on screen (cached; docs/names.md)'
                : 'This host does not look up names (waitline serve sends no DNS query unless started with names allowed)'
            }
          >
            <input
              type="checkbox"
              checked={namesWanted}
              disabled={!canResolve}
              onChange={(e) => setResolveOn(e.target.checked)}
              data-testid="resolve-names"
            />
            Host names
          </label>
          <button type="button" className="link" onClick={() => setFilters(DEFAULT_FILTERS)}>
            Clear filters
          </button>
          <span className="legend">
            <span className="swatch mark-new" /> new <span className="swatch mark-changed" /> changed{' '}
            <span className="swatch mark-gone" /> closed
          </span>
        </div>
        {pError && <div className="field-error">{pError}</div>}
      </div>
      {error && <div className="banner error">{error}</div>}
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
              {c.label}
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
            <p className="empty">{model.tableSize === 0 ? 'The socket table is empty.' : 'No socket matches these filters.'}</p>
          )}
          {!loaded && !error && <p className="empty">Reading the socket table…</p>}
        </div>
      </div>
      {selected ? (
        <ConnectionDetail row={selected} api={api} info={info} onClose={() => setSelected(null)} />
      ) : (
        <p className="hint">Select a connection for its TCP details (RTT, retransmits, bytes) and to close it.</p>
      )}
    </section>
  );
}
