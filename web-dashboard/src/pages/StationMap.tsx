// Stations on a map by their coordinates. With a tile server configured (build-time
// VITE_TILE_URL or localStorage 'kiesdag.tiles', e.g. https://tile.example/{z}/{x}/{y}.png)
// the tiles are drawn underneath; without one, or without network, a plain schematic
// plot of the coordinates (Web Mercator) is all there is.
import { memo, useEffect, useRef } from 'react';
import type { StationSummary } from '../api/types';
import { useI18n } from '../i18n';
import { statusOf } from '../live/state';
import { navigate } from '../router';

const W = 640;
const H = 420;

export function mercator(lat: number, lon: number): [number, number] {
  const x = (lon + 180) / 360;
  const s = Math.sin((lat * Math.PI) / 180);
  const y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  return [x, y];
}

export function tileUrl(): string | null {
  const configured = (import.meta.env.VITE_TILE_URL as string | undefined) ?? localStorage.getItem('kiesdag.tiles');
  return configured || null;
}

/** Above this many stations the map is drawn on a canvas: thousands of SVG elements
 * re-rendered ten times a second would not keep up. The list is the accessible view. */
export const CANVAS_FROM = 600;

const COLOURS: Record<string, string> = {
  not_open: '#6b7280',
  open: '#15803d',
  problem: '#b91c1c',
  on_the_way: '#d97706',
  closed: '#1d4ed8',
  result_in: '#7e22ce',
};

interface Frame {
  px: (x: number) => number;
  py: (y: number) => number;
}

function frameFor(points: [number, number][]): Frame {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const span = Math.max(maxX - minX, ((maxY - minY) * W) / H, 1e-6) * 1.1;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const scale = W / span;
  return { px: (x) => (x - cx) * scale + W / 2, py: (y) => (y - cy) * scale + H / 2 };
}

function CanvasMap({
  stations,
  version,
  linked,
  label,
  flagged,
}: {
  stations: StationSummary[];
  version: number;
  linked: boolean;
  label: string;
  flagged?: ReadonlySet<string>;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const placed = useRef<{ id: string; x: number; y: number }[]>([]);
  // What each station was last drawn as: a frame redraws only the stations whose
  // status changed (a few dozen), not all of them.
  const drawn = useRef(new Map<string, { x: number; y: number; status: string }>());
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const located = stations.filter((s) => s.latitude != null && s.longitude != null);
    const full = located.length !== drawn.current.size || located.some((s) => !drawn.current.has(s.station_id));
    if (full) {
      const ratio = window.devicePixelRatio || 1;
      c.width = W * ratio;
      c.height = H * ratio;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = '#eef2f7';
      ctx.fillRect(0, 0, W, H);
      const points = located.map((s) => mercator(s.latitude as number, s.longitude as number));
      const { px, py } = frameFor(points);
      drawn.current = new Map();
      placed.current = located.map((s, i) => {
        const at = { id: s.station_id, x: px(points[i][0]), y: py(points[i][1]) };
        drawn.current.set(s.station_id, { x: at.x, y: at.y, status: '' });
        return at;
      });
    }
    // Trouble last, on top.
    for (const status of ['open', 'closed', 'result_in', 'not_open', 'on_the_way', 'problem']) {
      ctx.fillStyle = COLOURS[status];
      for (const s of located) {
        if (statusOf(s, flagged) !== status) continue;
        const dot = drawn.current.get(s.station_id);
        if (!dot || dot.status === status) continue;
        dot.status = status;
        // Squares: thousands of rects rasterise far faster than arcs without a GPU.
        ctx.fillRect(dot.x - 2, dot.y - 2, 4, 4);
      }
    }
  }, [stations, version, flagged]);
  const open = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!linked || !canvas.current) return;
    const box = canvas.current.getBoundingClientRect();
    const x = ((e.clientX - box.left) * W) / box.width;
    const y = ((e.clientY - box.top) * H) / box.height;
    let best: string | null = null;
    let distance = 8 * 8;
    for (const p of placed.current) {
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < distance) {
        distance = d;
        best = p.id;
      }
    }
    if (best) navigate(`/stations/${best}`);
  };
  return <canvas ref={canvas} className="map" role="img" tabIndex={0} aria-label={label} onClick={open} style={{ aspectRatio: `${W} / ${H}` }} />;
}

export const StationMap = memo(function StationMap({
  stations,
  version,
  linked,
  flagged,
}: {
  stations: StationSummary[];
  version: number;
  linked: boolean;
  /** Stations with alerts: drawn as problems (see statusOf). */
  flagged?: ReadonlySet<string>;
}) {
  const { t } = useI18n();
  if (stations.length >= CANVAS_FROM)
    return <CanvasMap stations={stations} version={version} linked={linked} flagged={flagged} label={t('mapLabel', { n: stations.length })} />;
  // Trouble is drawn last, on top of the rest.
  const layer = { open: 0, closed: 1, result_in: 2, not_open: 3, on_the_way: 4, problem: 5 };
  const placed = stations
    .filter((s) => s.latitude != null && s.longitude != null)
    .sort((a, b) => layer[statusOf(a, flagged)] - layer[statusOf(b, flagged)]);
  const radius = placed.length > 2000 ? 2.5 : placed.length > 200 ? 4.5 : 7;
  if (placed.length === 0) return <p>{t('mapNoCoords')}</p>;
  const points = placed.map((s) => mercator(s.latitude as number, s.longitude as number));
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const span = Math.max(maxX - minX, ((maxY - minY) * W) / H, 1e-6) * 1.1;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const scale = W / span;
  const px = (x: number) => (x - cx) * scale + W / 2;
  const py = (y: number) => (y - cy) * scale + H / 2;

  const tiles: { href: string; x: number; y: number; size: number }[] = [];
  const template = tileUrl();
  if (template) {
    const z = Math.max(0, Math.min(18, Math.floor(Math.log2(scale / 256))));
    const n = 2 ** z;
    const left = Math.floor((cx - W / 2 / scale) * n);
    const right = Math.floor((cx + W / 2 / scale) * n);
    const top = Math.floor((cy - H / 2 / scale) * n);
    const bottom = Math.floor((cy + H / 2 / scale) * n);
    if ((right - left + 1) * (bottom - top + 1) <= 64)
      for (let tx = left; tx <= right; tx += 1)
        for (let ty = top; ty <= bottom; ty += 1)
          tiles.push({
            href: template.replace('{z}', String(z)).replace('{x}', String(tx)).replace('{y}', String(ty)),
            x: px(tx / n),
            y: py(ty / n),
            size: scale / n,
          });
  }

  // One tab stop for the whole map: the dots are not links (hundreds of them made
  // the keyboard path to the page's content hundreds of Tabs long). A mouse opens a
  // station by its dot; the station list below is the map's accessible alternative.
  const open = (e: React.MouseEvent<SVGSVGElement>) => {
    const id = (e.target as Element).closest('[data-station]')?.getAttribute('data-station');
    if (linked && id) navigate(`/stations/${id}`);
  };
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className={`map${linked ? ' map-linked' : ''}`} role="img" tabIndex={0} aria-label={t('mapLabel', { n: placed.length })} onClick={open}>
      <rect width={W} height={H} className="map-bg" />
      {tiles.map((tile) => (
        <image key={tile.href} href={tile.href} x={tile.x} y={tile.y} width={tile.size} height={tile.size} />
      ))}
      {placed.map((s, i) => {
        const status = statusOf(s, flagged);
        return (
          <circle key={s.station_id} data-station={s.station_id} cx={px(points[i][0])} cy={py(points[i][1])} r={radius} className={`dot-${status}`}>
            <title>{`${s.number} ${s.name}: ${t(`status_${status}`)}`}</title>
          </circle>
        );
      })}
    </svg>
  );
});
