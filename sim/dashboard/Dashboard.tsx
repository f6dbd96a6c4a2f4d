/**
 * The training-lab dashboard (ink 6): world clock and rate, devices (SSH line, sessions,
 * saved/modified), trustpoints with validity bars (renewal point marked), IKE status, the lab's
 * tasks graded live, recent PKI log lines, and the keys: p pause/resume, s step, f faster,
 * n normal speed, r reset to the baseline, d description, q quit.
 *
 * A read-only view: it renders `source.snapshot()` whenever the source says something changed
 * (actions, and the caller's real-time ticker — this file uses no timers), and its keys call the
 * source's actions, which go through the World's public time controls.
 */
import { useEffect, useState } from 'react';
import { Box, Text, useInput, useStdout } from 'ink';
import type { DashboardSnapshot, TrustpointView } from '../lab-runner/runtime.js';
import { fmtWall } from './format.js';

export interface DashboardSource {
  snapshot(): DashboardSnapshot;
  onChange(cb: () => void): () => void;
  togglePause(): void;
  step(): void;
  fastForward(): void;
  normalSpeed(): void;
  reset(): Promise<void>;
}

export interface DashboardProps {
  source: DashboardSource;
  onQuit: () => void;
}

export { fmtWall };

function fmtRate(r: number): string {
  return r >= 1e6 ? `${r / 1e6}M` : r >= 1e3 ? `${r / 1e3}k` : String(r);
}

function fmtStep(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.round(ms / 60_000)}m`;
}

function fmtLeft(ms: number): string {
  const d = Math.floor(ms / 86_400_000);
  if (d >= 2) return `${d}d`;
  const h = Math.floor(ms / 3_600_000);
  if (h >= 1) return `${h}h`;
  return `${Math.max(0, Math.floor(ms / 60_000))}m`;
}

const BAR = 20;

/** `████████▒▒▒▒▒▒▒▒▒▒▒│▒▒▒▒` — elapsed share of the validity, `│` at the renewal point. */
export function validityBar(tp: TrustpointView, now: number): { bar: string; color: string; pct: number } {
  if (tp.notBefore === undefined || tp.notAfter === undefined) return { bar: '·'.repeat(BAR), color: 'gray', pct: 0 };
  const span = Math.max(1, tp.notAfter - tp.notBefore);
  const frac = Math.min(1, Math.max(0, (now - tp.notBefore) / span));
  const filled = Math.round(frac * BAR);
  const chars: string[] = Array.from({ length: BAR }, (_, i) => (i < filled ? '█' : '░'));
  if (tp.renewPct !== undefined) {
    const at = Math.min(BAR - 1, Math.floor((tp.renewPct / 100) * BAR));
    chars[at] = '│';
  }
  const color = tp.status !== 'valid' ? 'red' : tp.renewPct !== undefined && frac * 100 >= tp.renewPct ? 'yellow' : 'green';
  return { bar: chars.join(''), color, pct: Math.floor(frac * 100) };
}

function TrustpointRow({ device, tp, now }: { device: string; tp: TrustpointView; now: number }) {
  const { bar, color, pct } = validityBar(tp, now);
  const left = tp.notAfter !== undefined ? tp.notAfter - now : undefined;
  return (
    <Text wrap="truncate-end">
      {`  ${device.padEnd(4)} ${tp.name.padEnd(10)} ${tp.serial ? `SN ${tp.serial.padEnd(4)}` : 'no cert'.padEnd(7)} `}
      <Text color={color}>{bar}</Text>
      {` ${String(pct).padStart(3)}% `}
      <Text color={tp.status === 'valid' ? 'green' : 'red'}>{tp.status}</Text>
      {left !== undefined && tp.status === 'valid' ? `, expires in ${fmtLeft(left)}` : ''}
      <Text dimColor>{`${tp.rollover ? ' +rollover' : ''}  ${tp.autoEnroll ?? 'no auto-enroll'}`}</Text>
    </Text>
  );
}

export function Dashboard({ source, onQuit }: DashboardProps) {
  const [snap, setSnap] = useState<DashboardSnapshot>(() => source.snapshot());
  const [showDesc, setShowDesc] = useState(false);
  const { stdout } = useStdout();
  const width = Math.max(60, Math.min(stdout?.columns ?? 100, 160));

  useEffect(() => source.onChange(() => setSnap(source.snapshot())), [source]);

  useInput((input, key) => {
    if (input === 'q' || (key.ctrl && input === 'c')) onQuit();
    else if (input === 'p' || input === ' ') source.togglePause();
    else if (input === 's') source.step();
    else if (input === 'f') source.fastForward();
    else if (input === 'n') source.normalSpeed();
    else if (input === 'r') void source.reset();
    else if (input === 'd') setShowDesc((v) => !v);
  });

  const done = snap.tasks.filter((t) => t.ok).length;
  const next = snap.tasks.find((t) => !t.ok);
  const tps = snap.devices.flatMap((d) => d.trustpoints.filter((t) => t.name !== d.ca?.name).map((t) => ({ d, t })));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} width={width}>
      <Box justifyContent="space-between">
        <Text bold color="cyan">{`Router Twin lab · ${snap.name} (${snap.level})`}</Text>
        <Text>
          <Text bold>{fmtWall(snap.wall)}</Text>
          {snap.paused ? <Text color="yellow">{'  ⏸ PAUSED'}</Text> : <Text color="green">{`  ▶ ×${fmtRate(snap.rate)}`}</Text>}
        </Text>
      </Box>
      <Text bold>{snap.title}</Text>
      {showDesc ? (
        <Text dimColor>{snap.description.replace(/\s+$/, '')}</Text>
      ) : (
        <Text dimColor wrap="truncate-end">{`${snap.description.split('\n')[0]!.trim()} … [d] more`}</Text>
      )}
      <Text> </Text>
      <Text bold>Devices</Text>
      {snap.devices.map((d) => (
        <Text key={d.name} wrap="truncate-end">
          {`  ${d.name.padEnd(4)} ${d.ssh.padEnd(30)} sessions ${d.sessions}  `}
          {d.saved ? <Text color="green">saved</Text> : <Text color="yellow">unsaved changes</Text>}
          {d.ca ? <Text dimColor>{`  CA server ${d.ca.name}: ${d.ca.shutdown ? 'SHUT DOWN' : 'enabled'}, grant ${d.ca.grant}, pending ${d.ca.pending}, issued ${d.ca.issued}`}</Text> : null}
        </Text>
      ))}
      <Text bold>Trustpoints</Text>
      {tps.length ? tps.map(({ d, t }) => <TrustpointRow key={`${d.name}/${t.name}`} device={d.name} tp={t} now={d.wall} />) : <Text dimColor>  (none configured yet)</Text>}
      <Text bold>IKE</Text>
      {snap.ike.length ? (
        snap.ike.map((p) => (
          <Text key={p.peer}>{`  ${p.peer.padEnd(12)} ${p.status.padEnd(14)} attempts ${p.attempts}, failures ${p.failures}${p.outageMs !== undefined ? `, outage ${fmtLeft(p.outageMs)}` : ''}`}</Text>
        ))
      ) : (
        <Text dimColor>  (no IKE peers in this lab)</Text>
      )}
      <Text bold>{`Tasks ${done}/${snap.tasks.length}`}</Text>
      {snap.tasks.map((t) => (
        <Box key={t.id} flexDirection="column">
          <Text wrap="truncate-end">
            <Text color={t.ok ? 'green' : 'red'}>{t.ok ? '  ✔ ' : '  ✘ '}</Text>
            <Text>{t.title}</Text>
          </Text>
          {!t.ok && t.id === next?.id ? <Text dimColor wrap="truncate-end">{`      ${t.detail}`}</Text> : null}
          {!t.ok && t.id === next?.id && t.hint ? <Text color="cyan" wrap="truncate-end">{`      hint: ${t.hint}`}</Text> : null}
        </Box>
      ))}
      <Text bold>Recent</Text>
      {snap.recent.length ? snap.recent.map((l, i) => <Text key={i} dimColor wrap="truncate-end">{`  ${l}`}</Text>) : <Text dimColor>  (no PKI messages yet)</Text>}
      <Text color="yellow" wrap="truncate-end">{snap.message ?? ' '}</Text>
      <Text color="cyan" wrap="truncate-end">{`[p] pause  [s] step ${fmtStep(snap.stepMs)}  [f] faster  [n] normal  [r] reset  [d] description  [q] quit`}</Text>
    </Box>
  );
}
