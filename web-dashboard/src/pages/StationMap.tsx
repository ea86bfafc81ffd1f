// Stations on a map by their coordinates. With a tile server configured (build-time
// VITE_TILE_URL or localStorage 'kiesdag.tiles', e.g. https://tile.example/{z}/{x}/{y}.png)
// the tiles are drawn underneath; without one, or without network, a plain schematic
// plot of the coordinates (Web Mercator) is all there is.
import { memo } from 'react';
import type { StationSummary } from '../api/types';
import { useI18n } from '../i18n';
import { statusOf } from '../live/state';
import { navigate } from '../router';

const W = 640;
const H = 420;

function mercator(lat: number, lon: number): [number, number] {
  const x = (lon + 180) / 360;
  const s = Math.sin((lat * Math.PI) / 180);
  const y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  return [x, y];
}

function tileUrl(): string | null {
  const configured = (import.meta.env.VITE_TILE_URL as string | undefined) ?? localStorage.getItem('kiesdag.tiles');
  return configured || null;
}

export const StationMap = memo(function StationMap({ stations, version, linked }: { stations: StationSummary[]; version: number; linked: boolean }) {
  const { t } = useI18n();
  void version;
  // Trouble is drawn last, on top of the rest.
  const layer = { open: 0, closed: 1, result_in: 2, not_open: 3, problem: 4 };
  const placed = stations
    .filter((s) => s.latitude != null && s.longitude != null)
    .sort((a, b) => layer[statusOf(a)] - layer[statusOf(b)]);
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

  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="map" role="group" aria-label={t('mapTitle')}>
      <rect width={W} height={H} className="map-bg" />
      {tiles.map((tile) => (
        <image key={tile.href} href={tile.href} x={tile.x} y={tile.y} width={tile.size} height={tile.size} />
      ))}
      {placed.map((s, i) => {
        const status = statusOf(s);
        const dot = (
          <circle cx={px(points[i][0])} cy={py(points[i][1])} r={radius} className={`dot-${status}`}>
            <title>{`${s.number} ${s.name}: ${t(`status_${status}`)}`}</title>
          </circle>
        );
        // Only the control room may open a station: others see the dots without links.
        if (!linked) return <g key={s.station_id}>{dot}</g>;
        return (
          <a
            key={s.station_id}
            href={`/stations/${s.station_id}`}
            aria-label={`${s.number} ${s.name}: ${t(`status_${status}`)}`}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/stations/${s.station_id}`);
            }}
          >
            {dot}
          </a>
        );
      })}
    </svg>
  );
});
