import { CameraOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, Form, Input, Steps, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { selfService, startSelfService } from '../../api/endpoints';
import type { FaceResult, SelfServiceTicket } from '../../api/types';
import { CaptchaFormItem, captchaFields, useCaptcha } from '../../shared/captcha';
import { Page } from '../../shared/Page';
import { applyProblemToForm } from '../../shared/problemToForm';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { AccountStep } from './AccountStep';
import { photoToDataUrl } from './photo';
import { selfServiceText } from './text';

type Stage = 'identity' | 'face' | 'account';

/** A problem that means the ticket is gone (expired, used up, unknown): start again. */
export function isTicketProblem(err: unknown): err is ApiError {
  if (!(err instanceof ApiError)) return false;
  return err.status === 401 || ((err.status === 403 || err.status === 410) && /TICKET/.test(err.code));
}

/** /self-service (seed 002 §2.1.5, §2.2.8): 身份核验 → 人脸核验 → 自助服务详细信息. */
export function SelfServicePage() {
  const [stage, setStage] = useState<Stage>('identity');
  // The ticket lives here only: never in storage or the address bar.
  const [ticket, setTicket] = useState<SelfServiceTicket | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  /** Back to step 1 with the server's words, for an expired or unknown ticket. Returns whether it was that. */
  const onTicketProblem = useCallback((err: unknown): boolean => {
    if (err instanceof ApiError && err.code === 'FACE_CHECK_REQUIRED') {
      setStage('face');
      return true;
    }
    if (!isTicketProblem(err)) return false;
    setTicket(null);
    setNotice(err.problem.title || selfServiceText.ticketExpired);
    setStage('identity');
    window.scrollTo({ top: 0 });
    return true;
  }, []);

  const current = stage === 'identity' ? 0 : stage === 'face' ? 1 : 2;
  return (
    <Page title={stage === 'account' ? selfServiceText.detailsTitle : selfServiceText.title} docTitle={selfServiceText.title} width="narrow">
      <Flex vertical gap={16}>
        <Steps
          size="small"
          current={current}
          responsive={false}
          items={[{ title: selfServiceText.stepIdentity }, { title: selfServiceText.stepFace }, { title: selfServiceText.stepAccount }]}
        />
        {stage === 'identity' && (
          <IdentityStep
            notice={notice}
            onTicket={(t) => {
              setTicket(t);
              setNotice(null);
              // A face check passed by a reviewer already counts: straight to the details.
              setStage(t.faceChecked ? 'account' : 'face');
            }}
          />
        )}
        {stage === 'face' && ticket && (
          <FaceStep ticket={ticket.ticket} wasNoResult={ticket.realNameStatus === 'no_result'} onTicketProblem={onTicketProblem} onPassed={() => setStage('account')} onBack={() => setStage('identity')} />
        )}
        {stage === 'account' && ticket && <AccountStep ticket={ticket} onTicketProblem={onTicketProblem} />}
      </Flex>
    </Page>
  );
}

interface IdentityForm {
  name: string;
  idNumber: string;
  faceCheckId?: string;
  captchaAnswer?: string;
}

const UUID = /^\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*$/i;

function IdentityStep({ notice, onTicket }: { notice: string | null; onTicket: (ticket: SelfServiceTicket) => void }) {
  const [form] = Form.useForm<IdentityForm>();
  const captcha = useCaptcha();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [wait, setWait] = useState(0);
  const [withCheckId, setWithCheckId] = useState(false);

  const onFinish = async (v: IdentityForm) => {
    setSubmitting(true);
    setFailure(null);
    const faceCheckId = v.faceCheckId?.trim().toLowerCase();
    try {
      onTicket(
        await startSelfService({
          name: v.name.trim(),
          idNumber: v.idNumber.trim().toUpperCase(),
          ...(faceCheckId ? { faceCheckId } : {}),
          ...captchaFields(captcha, v.captchaAnswer),
        }),
      );
    } catch (err) {
      captcha.refresh();
      form.setFieldValue('captchaAnswer', '');
      const onField = applyProblemToForm(form, err, {
        fields: ['name', 'idNumber', 'faceCheckId', 'captchaAnswer'],
        aliases: { captchaId: 'captchaAnswer' },
        codeFields: { CAPTCHA_INVALID: 'captchaAnswer', FACE_CHECK_ID_INVALID: 'faceCheckId' },
      });
      if (!onField || (err instanceof ApiError && err.code !== 'CAPTCHA_INVALID')) setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  const realNameRequired = failure?.code === 'REALNAME_REQUIRED';
  return (
    <Form<IdentityForm> form={form} name="self-identity" layout="vertical" size="large" requiredMark={false} onFinish={onFinish} autoComplete="off">
      <Typography.Paragraph type="secondary">
        {selfServiceText.intro}
        <br />
        {selfServiceText.requirement}
      </Typography.Paragraph>
      {notice && <Alert type="warning" showIcon role="alert" title={notice} data-testid="ticket-notice" style={{ marginBottom: 16 }} />}
      <Form.Item name="name" label={selfServiceText.name} rules={[{ required: true, whitespace: true, message: selfServiceText.nameRequired }]}>
        <Input placeholder={selfServiceText.namePlaceholder} autoComplete="name" maxLength={50} />
      </Form.Item>
      <Form.Item name="idNumber" label={selfServiceText.idNumber} rules={[{ required: true, whitespace: true, message: selfServiceText.idNumberRequired }]}>
        <Input placeholder={selfServiceText.idNumberPlaceholder} maxLength={32} />
      </Form.Item>
      {withCheckId ? (
        <Form.Item
          name="faceCheckId"
          label={selfServiceText.checkId}
          rules={[{ pattern: UUID, message: selfServiceText.checkIdInvalid }]}
        >
          <Input placeholder={selfServiceText.checkIdPlaceholder} maxLength={40} autoComplete="off" />
        </Form.Item>
      ) : (
        <Button type="link" onClick={() => setWithCheckId(true)} style={{ padding: 0, height: 'auto', marginBottom: 16 }}>
          {selfServiceText.haveCheckId}
        </Button>
      )}
      <CaptchaFormItem state={captcha} />
      <ProblemAlert
        failure={realNameRequired && failure ? { ...failure, title: selfServiceText.realNameRequired } : failure}
        onWait={setWait}
        description={
          realNameRequired ? (
            <>
              {failure.title !== selfServiceText.realNameRequired && <div>{failure.title}</div>}
              <div>{selfServiceText.realNameRequiredHint}</div>
            </>
          ) : undefined
        }
      />
      <Form.Item style={{ marginBottom: 0 }}>
        <Button type="primary" htmlType="submit" block loading={submitting} disabled={wait > 0}>
          {wait > 0 ? commonText.retryAfter(wait) : selfServiceText.next}
        </Button>
      </Form.Item>
    </Form>
  );
}

function FaceStep({
  ticket,
  wasNoResult,
  onTicketProblem,
  onPassed,
  onBack,
}: {
  ticket: string;
  /** 认证无结果: a passed face check verifies the person. */
  wasNoResult: boolean;
  onTicketProblem: (err: unknown) => boolean;
  onPassed: () => void;
  onBack: () => void;
}) {
  const [face, setFace] = useState<File | null>(null);
  const [idCard, setIdCard] = useState<File | null>(null);
  const [pickError, setPickError] = useState<{ field: 'face' | 'idCard'; text: string } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [triesLeft, setTriesLeft] = useState<number | null>(null);
  const [wait, setWait] = useState(0);
  const [result, setResult] = useState<FaceResult | null>(null);

  const reset = () => {
    setPickError(null);
    setFailure(null);
    setTriesLeft(null);
    setResult(null);
  };

  const submit = async () => {
    if (!face) {
      setPickError({ field: 'face', text: selfServiceText.photoRequired });
      return;
    }
    setSubmitting(true);
    reset();
    let photo: string;
    let idCardPhoto: string | undefined;
    try {
      photo = await photoToDataUrl(face);
    } catch {
      setPickError({ field: 'face', text: selfServiceText.photoUnreadable });
      setSubmitting(false);
      return;
    }
    try {
      idCardPhoto = idCard ? await photoToDataUrl(idCard) : undefined;
    } catch {
      setPickError({ field: 'idCard', text: selfServiceText.photoUnreadable });
      setSubmitting(false);
      return;
    }
    try {
      setResult(await selfService.face(ticket, photo, idCardPhoto));
    } catch (err) {
      if (onTicketProblem(err)) return;
      if (err instanceof ApiError && err.code === 'FACE_ALREADY_CHECKED') {
        onPassed();
        return;
      }
      if (err instanceof ApiError && err.code === 'ID_CARD_PHOTO_REQUIRED') {
        setPickError({ field: 'idCard', text: err.problem.title });
        return;
      }
      const left = err instanceof ApiError ? (err.problem as { triesLeft?: unknown }).triesLeft : undefined;
      setTriesLeft(typeof left === 'number' ? left : null);
      setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  const providerName = result ? (selfServiceText.providers[result.provider] ?? result.provider) : '';
  const outcomeTitle =
    result?.outcome === 'pass' ? selfServiceText.facePass : result?.outcome === 'fail' ? selfServiceText.faceFail : selfServiceText.facePending;
  return (
    <Flex vertical gap={12}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {selfServiceText.faceIntro}
        {selfServiceText.facePrivacy}
      </Typography.Paragraph>
      <PhotoPicker
        label={selfServiceText.facePhoto}
        prompt={selfServiceText.choosePhoto}
        alt={selfServiceText.photoAlt}
        capture="user"
        testId="face-photo"
        file={face}
        error={pickError?.field === 'face' ? pickError.text : null}
        onChange={(f) => {
          reset();
          setFace(f);
        }}
      />
      <PhotoPicker
        label={selfServiceText.idCardPhoto}
        hint={selfServiceText.idCardPhotoOptional}
        prompt={selfServiceText.chooseIdCardPhoto}
        alt={selfServiceText.idCardPhotoAlt}
        capture="environment"
        testId="id-card-photo"
        file={idCard}
        compact
        error={pickError?.field === 'idCard' ? pickError.text : null}
        onChange={(f) => {
          reset();
          setIdCard(f);
        }}
      />
      <ProblemAlert
        failure={failure}
        onWait={setWait}
        description={triesLeft !== null ? (triesLeft > 0 ? selfServiceText.triesLeft(triesLeft) : undefined) : undefined}
      />
      {result && (
        <Alert
          data-testid="face-result"
          data-outcome={result.outcome}
          type={result.outcome === 'pass' ? (result.autoPassed ? 'warning' : 'success') : result.outcome === 'fail' ? 'error' : 'info'}
          showIcon
          title={outcomeTitle}
          description={
            <>
              {result.message && <div data-testid="face-message">{result.message}</div>}
              {result.outcome === 'pass' && wasNoResult && result.realNameStatus === 'verified' && <div>{selfServiceText.verifiedByFace}</div>}
              {result.outcome === 'pending_review' && (
                <>
                  <div>{selfServiceText.facePendingHint}</div>
                  {result.checkId && (
                    <div>
                      {selfServiceText.checkId}：
                      <Typography.Text copyable strong data-testid="face-check-id">
                        {result.checkId}
                      </Typography.Text>
                      <div style={{ color: '#d46b08' }}>{commonText.screenshotHint}</div>
                    </div>
                  )}
                </>
              )}
              {result.outcome === 'fail' && <div>{selfServiceText.faceFailHint}</div>}
              <div style={{ color: '#8c8c8c', fontSize: 12 }}>{selfServiceText.provider(providerName)}</div>
            </>
          }
        />
      )}
      {result?.outcome === 'pass' ? (
        <Button type="primary" size="large" block onClick={onPassed}>
          {selfServiceText.next}
        </Button>
      ) : (
        <Button
          type="primary"
          size="large"
          block
          onClick={submit}
          loading={submitting}
          disabled={wait > 0 || result?.outcome === 'pending_review'}
        >
          {wait > 0 ? commonText.retryAfter(wait) : selfServiceText.submitFace}
        </Button>
      )}
      <Flex justify="space-between" wrap gap={8}>
        <Button type="link" onClick={onBack} style={{ paddingInline: 0 }}>
          {selfServiceText.backToIdentity}
        </Button>
        <Link to="/login" style={{ alignSelf: 'center' }}>
          {commonText.toLogin}
        </Link>
      </Flex>
    </Flex>
  );
}

interface PickerProps {
  label: string;
  hint?: string;
  prompt: string;
  alt: string;
  capture: 'user' | 'environment';
  testId: string;
  file: File | null;
  error: string | null;
  compact?: boolean;
  onChange: (file: File) => void;
}

/** Take a photo with the camera (phones) or choose a file (PCs), with a preview. */
function PhotoPicker({ label, hint, prompt, alt, capture, testId, file, error, compact, onChange }: PickerProps) {
  const input = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<string | null>(null);

  useEffect(() => {
    if (!file) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  return (
    <div>
      <div style={{ marginBottom: 6 }}>
        {label}
        {hint && <span style={{ color: '#8c8c8c', fontSize: 12 }}>（{hint}）</span>}
      </div>
      <input
        ref={input}
        type="file"
        accept="image/*"
        capture={capture}
        hidden
        data-testid={`${testId}-input`}
        onChange={(e) => {
          const chosen = e.target.files?.[0];
          if (chosen) onChange(chosen);
          e.target.value = '';
        }}
      />
      <button
        type="button"
        onClick={() => input.current?.click()}
        aria-label={preview ? `${selfServiceText.changePhoto}：${label}` : prompt}
        style={{
          width: '100%',
          minHeight: compact && !preview ? 88 : 180,
          border: `1px dashed ${error ? '#ff4d4f' : '#d9d9d9'}`,
          borderRadius: 8,
          background: '#fafafa',
          cursor: 'pointer',
          padding: 8,
          display: 'flex',
          flexDirection: compact && !preview ? 'row' : 'column',
          alignItems: 'center',
          justifyContent: 'center',
          gap: 8,
          color: '#595959',
          font: 'inherit',
        }}
      >
        {preview ? (
          <>
            <img src={preview} alt={alt} data-testid={`${testId}-preview`} style={{ maxWidth: '100%', maxHeight: 280, objectFit: 'contain', borderRadius: 4 }} />
            <span style={{ color: '#1677ff' }}>
              <CameraOutlined /> {selfServiceText.changePhoto}
            </span>
          </>
        ) : (
          <>
            <CameraOutlined style={{ fontSize: compact ? 24 : 40, color: '#1677ff' }} />
            <span style={{ fontSize: 15 }}>{prompt}</span>
          </>
        )}
      </button>
      {error && (
        <div role="alert" style={{ color: '#ff4d4f', marginTop: 4 }}>
          {error}
        </div>
      )}
    </div>
  );
}
