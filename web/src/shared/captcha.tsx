import { ReloadOutlined } from '@ant-design/icons';
import { Button, Form, Input, Spin } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { getClientConfig, newCaptcha } from '../api/endpoints';
import type { Captcha } from '../api/types';
import { commonText } from './text';

export interface CaptchaState {
  /** null until the client config is known */
  enabled: boolean | null;
  captcha: Captcha | null;
  loading: boolean;
  failed: boolean;
  refresh: () => void;
}

/** Loads a captcha when the server asks for one; `refresh` after every failed submit. */
export function useCaptcha(): CaptchaState {
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [captcha, setCaptcha] = useState<Captcha | null>(null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);

  const load = useCallback(() => {
    setLoading(true);
    newCaptcha().then(
      (c) => {
        setCaptcha(c);
        setFailed(false);
        setLoading(false);
      },
      () => {
        setCaptcha(null);
        setFailed(true);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    let live = true;
    void getClientConfig().then((config) => {
      if (!live) return;
      const on = config.captcha !== 'off';
      setEnabled(on);
      if (on) load();
    });
    return () => {
      live = false;
    };
  }, [load]);

  const refresh = useCallback(() => {
    if (enabled) load();
  }, [enabled, load]);

  return { enabled, captcha, loading, failed, refresh };
}

/** The fields a request needs for the captcha, or none when it is off. */
export function captchaFields(state: CaptchaState, answer: string | undefined): { captchaId?: string; captchaAnswer?: string } {
  if (!state.enabled || !state.captcha) return {};
  return { captchaId: state.captcha.captchaId, captchaAnswer: (answer ?? '').trim() };
}

interface CaptchaInputProps {
  state: CaptchaState;
  value?: string;
  onChange?: (value: string) => void;
  id?: string;
}

function CaptchaInput({ state, value, onChange, id }: CaptchaInputProps) {
  return (
    <div style={{ display: 'flex', gap: 8, alignItems: 'stretch' }}>
      <Input
        id={id}
        value={value}
        onChange={(e) => onChange?.(e.target.value)}
        placeholder={commonText.captchaPlaceholder}
        autoComplete="off"
        inputMode="text"
        maxLength={8}
        style={{ flex: 1, minWidth: 0 }}
      />
      <button
        type="button"
        onClick={state.refresh}
        title={commonText.captchaRefresh}
        aria-label={commonText.captchaAlt}
        style={{
          flex: 'none',
          width: 120,
          height: 40,
          padding: 0,
          border: '1px solid #d9d9d9',
          borderRadius: 6,
          background: '#fff',
          cursor: 'pointer',
          overflow: 'hidden',
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'center',
        }}
      >
        {state.loading ? (
          <Spin size="small" />
        ) : state.captcha ? (
          <img src={state.captcha.image} alt={commonText.captchaAlt} style={{ width: '100%', height: '100%', objectFit: 'contain' }} />
        ) : (
          <span style={{ fontSize: 12, color: '#cf1322', padding: 4 }}>
            <ReloadOutlined /> {commonText.captchaLoadFailed}
          </span>
        )}
      </button>
    </div>
  );
}

/** A Form.Item named `captchaAnswer`; renders nothing when the captcha is off. */
export function CaptchaFormItem({ state }: { state: CaptchaState }) {
  if (!state.enabled) return null;
  return (
    <Form.Item
      name="captchaAnswer"
      label={commonText.captcha}
      rules={[{ required: true, whitespace: true, message: commonText.captchaRequired }]}
      extra={
        <Button type="link" size="small" onClick={state.refresh} style={{ padding: 0, height: 'auto' }}>
          {commonText.captchaRefresh}
        </Button>
      }
    >
      <CaptchaInput state={state} />
    </Form.Item>
  );
}
