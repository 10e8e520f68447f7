import { ArrowLeftOutlined, ExpandOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Segmented, Spin, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { errorTitle } from '../../api/client';
import { commonText } from '../../shared/text';
import { consoleApi, type QrKind, type ShiftQr } from '../../api/projectsConsole';
import { useLoad } from '../../shared/useLoad';
import { chinaDate, shiftSpan } from './common';
import { pc } from './text';

/** Codes live 3 minutes on the server; fetch a new one this long before the old one lapses. */
const REFRESH_BEFORE_MS = 20_000;
const FALLBACK_TTL_MS = 180_000;

/**
 * /console/projects/:id/shifts/:shiftId/qr: the attendance code shown on a phone, tablet or PC screen at the venue.
 * It covers the whole window and renews itself before each code expires.
 */
export function ShiftQrPage() {
  const { id = '', shiftId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const kind: QrKind = params.get('kind') === 'check_out' ? 'check_out' : 'check_in';
  const project = useLoad(() => consoleApi.detail(id), [id]);
  const shifts = useLoad(() => consoleApi.shifts(id), [id]);
  const shift = shifts.data?.items.find((s) => s.id === shiftId);

  const [qr, setQr] = useState<ShiftQr | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [deadline, setDeadline] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const loading = useRef(false);
  const current = useRef(kind);
  current.current = kind;

  const fetchQr = useCallback(async () => {
    if (loading.current) return;
    loading.current = true;
    try {
      const res = await consoleApi.qr(shiftId, kind);
      if (current.current !== kind) return; // switched while this was on its way
      // The server's clock may differ from this screen's: measure the lifetime from the answer, trust it only if sane.
      const lifetime = Date.parse(res.expiresAt) - Date.now();
      const ttl = lifetime > 10_000 && lifetime < 3_600_000 ? lifetime : FALLBACK_TTL_MS;
      setQr(res);
      setError(null);
      setDeadline(Date.now() + ttl);
    } catch (err) {
      setError(err);
      setDeadline(Date.now() + 15_000 + REFRESH_BEFORE_MS); // try again in 15 s
    } finally {
      loading.current = false;
    }
  }, [shiftId, kind]);

  useEffect(() => {
    setQr(null);
    loading.current = false;
    void fetchQr();
  }, [fetchQr]);

  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  useEffect(() => {
    if (deadline && now >= deadline - REFRESH_BEFORE_MS) void fetchQr();
  }, [now, deadline, fetchQr]);

  const secondsLeft = Math.max(0, Math.ceil((deadline - REFRESH_BEFORE_MS - now) / 1000));
  const kindText = kind === 'check_in' ? pc.checkIn : pc.checkOut;

  useEffect(() => {
    document.title = `${pc.qrTitle} · ${kindText}`;
  }, [kindText]);

  return (
    <div
      data-testid="qr-screen"
      style={{
        position: 'fixed',
        inset: 0,
        zIndex: 1000,
        background: '#fff',
        overflow: 'auto',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        padding: 16,
        gap: 12,
      }}
    >
      <Flex justify="space-between" align="center" style={{ width: '100%', maxWidth: 900 }} gap={8}>
        <Link to={`/console/projects/${id}?tab=attendance`}>
          <Button icon={<ArrowLeftOutlined />}>{pc.back}</Button>
        </Link>
        <Button
          icon={<ExpandOutlined />}
          onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}
          aria-label={pc.fullscreen}
        >
          {pc.fullscreen}
        </Button>
      </Flex>
      <Typography.Title level={3} style={{ margin: 0, textAlign: 'center', wordBreak: 'break-word' }} data-testid="qr-project">
        {project.data?.name ?? ''}
      </Typography.Title>
      {shift && (
        <Typography.Text style={{ fontSize: 18 }} data-testid="qr-shift">
          {shift.positionName} · {chinaDate(shift.startsAt)} {shiftSpan(shift.startsAt, shift.endsAt)}
        </Typography.Text>
      )}
      <Segmented<QrKind>
        size="large"
        aria-label={pc.qrTitle}
        value={kind}
        onChange={(v) => setParams(v === 'check_in' ? {} : { kind: v }, { replace: true })}
        options={[
          { value: 'check_in', label: pc.checkIn },
          { value: 'check_out', label: pc.checkOut },
        ]}
        data-testid="qr-kind"
      />
      <Typography.Text type="secondary">{pc.qrScanHint(kindText)}</Typography.Text>
      {!!error && (
        <Alert type="error" showIcon title={errorTitle(error)} data-testid="problem" action={<Button onClick={() => void fetchQr()}>{commonText.retry}</Button>} />
      )}
      <div style={{ width: 'min(80vw, 70vh, 560px)', aspectRatio: '1 / 1', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        {qr?.qrDataUrl ? (
          <img
            src={qr.qrDataUrl}
            alt={`${kindText}${pc.qrTitle}`}
            data-testid="qr-image"
            data-kind={qr.kind}
            style={{ width: '100%', height: '100%', imageRendering: 'pixelated' }}
          />
        ) : qr ? (
          <Flex vertical align="center" gap={8}>
            <Typography.Text>{pc.qrNoImage}</Typography.Text>
            <Typography.Text code copyable style={{ wordBreak: 'break-all' }} data-testid="qr-token">
              {qr.token}
            </Typography.Text>
          </Flex>
        ) : (
          !error && <Spin size="large" />
        )}
      </div>
      <Flex align="center" gap={8}>
        <Typography.Text type="secondary" data-testid="qr-countdown">
          {qr && secondsLeft > 0 ? pc.qrRefreshIn(secondsLeft) : pc.qrRefreshing}
        </Typography.Text>
        <Button size="small" icon={<ReloadOutlined />} onClick={() => void fetchQr()} aria-label={pc.qrRefreshing} />
      </Flex>
    </div>
  );
}
