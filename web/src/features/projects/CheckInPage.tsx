import { CalendarOutlined, LoadingOutlined, ScanOutlined } from '@ant-design/icons';
import { Button, Flex, Form, Input, Result, Spin, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { projectsApi, type ScanResult } from '../../api/projects';
import { Page } from '../../shared/Page';
import { toFailure, type Failure } from '../../shared/ProblemAlert';
import { formatTime } from './common';
import { projectText as T } from './text';

type State =
  | { phase: 'idle' }
  | { phase: 'locating' }
  | { phase: 'sending' }
  | { phase: 'done'; result: ScanResult }
  | { phase: 'failed'; failure: Failure };

const HINTS: Record<string, string> = {
  QR_EXPIRED: T.expiredHint,
  QR_INVALID: T.invalidHint,
  TOO_FAR: T.tooFarHint,
  NOT_ASSIGNED: T.notAssignedHint,
  NOT_CHECKED_IN: T.notCheckedInHint,
};

/** A pasted code may be the bare token or the whole link the QR code carries. */
export function tokenFrom(text: string): string {
  const s = text.trim();
  const m = /[?&]t=([^&#\s]+)/.exec(s);
  if (m) {
    try {
      return decodeURIComponent(m[1]!);
    } catch {
      return m[1]!;
    }
  }
  return s;
}

/** The phone's position when the browser gives it within a few seconds; the server decides whether it is near enough. */
function position(): Promise<{ lat: number; lng: number } | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 10_000);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        clearTimeout(timer);
        resolve({ lat: pos.coords.latitude, lng: pos.coords.longitude });
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
      { enableHighAccuracy: true, timeout: 9_000, maximumAge: 60_000 },
    );
  });
}

/** /checkin?t=…: what a scanned attendance QR code opens (seed 002 §2.1.8.2; issue 5 item 5). */
export function CheckInPage() {
  const [params, setParams] = useSearchParams();
  const [state, setState] = useState<State>({ phase: 'idle' });
  const started = useRef<string | null>(null);
  const [form] = Form.useForm<{ code: string }>();

  const submit = async (token: string) => {
    setState({ phase: 'locating' });
    const at = await position();
    setState({ phase: 'sending' });
    try {
      const result = await projectsApi.scan({ token, ...(at ? { lat: at.lat, lng: at.lng } : {}) });
      setState({ phase: 'done', result });
    } catch (err) {
      setState({ phase: 'failed', failure: toFailure(err) });
    }
  };

  const fromUrl = params.get('t');
  useEffect(() => {
    if (!fromUrl || started.current === fromUrl) return;
    started.current = fromUrl;
    void submit(fromUrl);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fromUrl]);

  const again = () => {
    started.current = null;
    form.resetFields();
    setParams({}, { replace: true });
    setState({ phase: 'idle' });
  };

  let body;
  if (state.phase === 'locating' || state.phase === 'sending') {
    body = (
      <Flex vertical align="center" gap={16} style={{ padding: '48px 0' }} data-testid="checkin-busy">
        <Spin indicator={<LoadingOutlined style={{ fontSize: 48 }} spin />} />
        <Typography.Text type="secondary">{state.phase === 'locating' ? T.locatingForScan : T.scanning}</Typography.Text>
      </Flex>
    );
  } else if (state.phase === 'done') {
    const out = state.result.kind === 'check_out';
    body = (
      <div data-testid="checkin-result" data-outcome={state.result.kind}>
      <Result
        status="success"
        title={<span style={{ fontSize: 32, fontWeight: 700 }}>{out ? T.checkOutOk : T.checkInOk}</span>}
        subTitle={
          <Flex vertical gap={4} style={{ fontSize: 16 }}>
            <span data-testid="checkin-time">{T.checkInAt(formatTime(state.result.checkedInAt))}</span>
            {state.result.checkedOutAt && <span data-testid="checkout-time">{T.checkOutAt(formatTime(state.result.checkedOutAt))}</span>}
          </Flex>
        }
        extra={
          <Flex vertical gap={8} align="stretch" style={{ maxWidth: 320, margin: '0 auto' }}>
            <Link to="/me/schedule">
              <Button type="primary" size="large" block icon={<CalendarOutlined />}>
                {T.toSchedule}
              </Button>
            </Link>
            <Button size="large" block onClick={again}>
              {T.again}
            </Button>
          </Flex>
        }
      />
      </div>
    );
  } else if (state.phase === 'failed') {
    const { failure } = state;
    body = (
      <div data-testid="checkin-result" data-outcome="failed" data-code={failure.code}>
      <Result
        status={failure.status === 0 ? 'warning' : 'error'}
        title={<span style={{ fontSize: 26, fontWeight: 700 }}>{failure.title}</span>}
        subTitle={<span style={{ fontSize: 16 }}>{HINTS[failure.code] ?? ''}</span>}
        extra={
          <Flex vertical gap={8} align="stretch" style={{ maxWidth: 320, margin: '0 auto' }}>
            {failure.status === 0 && fromUrl && (
              <Button type="primary" size="large" block onClick={() => void submit(fromUrl)}>
                {T.retry}
              </Button>
            )}
            <Button size="large" block onClick={again} type={failure.status === 0 ? 'default' : 'primary'}>
              {T.again}
            </Button>
          </Flex>
        }
      />
      </div>
    );
  } else {
    body = (
      <Flex vertical gap={16} style={{ paddingTop: 8 }}>
        <Flex vertical align="center" gap={8}>
          <ScanOutlined style={{ fontSize: 56, color: '#1677ff' }} />
          <Typography.Paragraph type="secondary" style={{ textAlign: 'center', marginBottom: 0 }}>
            {T.checkInIntro}
          </Typography.Paragraph>
        </Flex>
        <Form form={form} layout="vertical" onFinish={(v) => void submit(tokenFrom(v.code))}>
          <Form.Item name="code" label={T.codeLabel} rules={[{ required: true, whitespace: true, message: T.codeRequired }]}>
            <Input.TextArea rows={3} placeholder={T.codePlaceholder} autoComplete="off" data-testid="checkin-code" />
          </Form.Item>
          <Button type="primary" htmlType="submit" size="large" block data-testid="checkin-submit">
            {T.submitCode}
          </Button>
        </Form>
      </Flex>
    );
  }

  return (
    <Page title={T.checkInTitle} width="narrow">
      {body}
    </Page>
  );
}
