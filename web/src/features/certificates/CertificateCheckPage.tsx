import { CheckCircleFilled, CloseCircleFilled, QuestionCircleFilled, SafetyCertificateOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Flex, Form, Input, Skeleton, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { certificatesApi, type CertificateCheck, type UploadVerdict } from '../../api/certificates';
import { Page } from '../../shared/Page';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatHours, formatTime } from '../projects/common';
import { certificateText as T } from './text';

const MAX_PDF = 5 * 1024 * 1024;

/** /certificates/:number — the public check the certificate's QR code opens (no sign-in), and the PDF upload check. */
export function CertificateCheckPage() {
  const { number = '' } = useParams();
  const check = useLoad(() => certificatesApi.check(number), [number]);
  const unknown = check.error instanceof ApiError && check.error.status === 404;
  return (
    <Page
      title={
        <span>
          <SafetyCertificateOutlined /> {T.checkTitle}
        </span>
      }
      docTitle={T.checkTitle}
      width="medium"
    >
      <Flex vertical gap={16}>
        <NumberSearch current={number} />
        {check.loading && !check.data ? (
          <Skeleton active paragraph={{ rows: 4 }} />
        ) : unknown ? (
          <StateBanner state="unknown" />
        ) : check.error ? (
          <Alert type="error" showIcon title={errorTitle(check.error)} action={<Button onClick={check.reload}>{commonText.retry}</Button>} />
        ) : check.data ? (
          <>
            <StateBanner state={check.data.valid ? 'valid' : 'revoked'} revokedAt={check.data.revokedAt} />
            <CertificateFacts c={check.data} />
          </>
        ) : null}
        <UploadCheck pageNumber={number} />
      </Flex>
    </Page>
  );
}

function NumberSearch({ current }: { current: string }) {
  const navigate = useNavigate();
  return (
    <Form
      layout="inline"
      key={current}
      initialValues={{ number: current }}
      onFinish={(v: { number: string }) => navigate(`/certificates/${encodeURIComponent(v.number.trim().toUpperCase())}`)}
      style={{ flexWrap: 'nowrap', gap: 8 }}
    >
      <Form.Item name="number" rules={[{ required: true, whitespace: true, message: T.numberRequired }]} style={{ flex: 1, minWidth: 0, marginInlineEnd: 0 }}>
        <Input placeholder={T.numberPlaceholder} maxLength={40} allowClear aria-label={T.number} style={{ fontFamily: 'monospace' }} />
      </Form.Item>
      <Button htmlType="submit" style={{ flex: 'none' }}>
        {T.query}
      </Button>
    </Form>
  );
}

const STATES = {
  valid: { icon: <CheckCircleFilled />, color: '#389e0d', background: '#f6ffed', border: '#b7eb8f', title: T.stateValid },
  revoked: { icon: <CloseCircleFilled />, color: '#cf1322', background: '#fff1f0', border: '#ffa39e', title: T.stateRevoked },
  unknown: { icon: <QuestionCircleFilled />, color: '#d46b08', background: '#fff7e6', border: '#ffd591', title: T.stateUnknown },
} as const;

/** The big answer: valid, revoked or unknown, readable at a glance on a phone. */
function StateBanner({ state, revokedAt }: { state: keyof typeof STATES; revokedAt?: string | null }) {
  const s = STATES[state];
  const hint = state === 'valid' ? T.stateValidHint : state === 'revoked' ? T.stateRevokedHint(revokedAt ? formatTime(revokedAt) : null) : T.stateUnknownHint;
  return (
    <div
      data-testid="certificate-state"
      data-state={state}
      role="status"
      style={{ textAlign: 'center', padding: '20px 12px', borderRadius: 8, background: s.background, border: `1px solid ${s.border}` }}
    >
      <div style={{ fontSize: 56, lineHeight: 1, color: s.color }}>{s.icon}</div>
      <div style={{ fontSize: 24, fontWeight: 700, color: s.color, marginTop: 12 }}>{s.title}</div>
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 13 }}>
        {hint}
      </Typography.Paragraph>
    </div>
  );
}

function CertificateFacts({ c }: { c: CertificateCheck }) {
  return (
    <>
      <Descriptions
        size="small"
        bordered
        column={1}
        data-testid="certificate-facts"
        styles={{ label: { width: 110, whiteSpace: 'nowrap' } }}
        items={[
          { key: 'number', label: T.number, children: <span style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>{c.number}</span> },
          { key: 'name', label: T.volunteerName, children: <span data-testid="certificate-name">{c.volunteerName}</span> },
          { key: 'vn', label: T.volunteerNumber, children: <span style={{ wordBreak: 'break-all' }}>{c.volunteerNumber}</span> },
          {
            key: 'hours',
            label: T.totalHours,
            children: (
              <Typography.Text strong data-testid="certificate-total-hours" data-hours={c.totalHours}>
                {formatHours(c.totalHours)} {T.hoursUnit}
              </Typography.Text>
            ),
          },
          { key: 'issuer', label: T.issuer, children: c.issuer },
          { key: 'issuedAt', label: T.issuedAt, children: formatTime(c.issuedAt) },
        ]}
      />
      {c.projects.length > 0 && (
        <Card size="small" title={T.projects}>
          <Flex vertical gap={8}>
            {c.projects.map((p, i) => (
              <Flex key={i} justify="space-between" gap={8} align="start" data-testid="certificate-project">
                <Flex vertical style={{ minWidth: 0 }}>
                  <Typography.Text strong>{p.name}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {p.organiser} · {p.from}{p.to !== p.from ? ` – ${p.to}` : ''}
                  </Typography.Text>
                </Flex>
                <Typography.Text style={{ flex: 'none' }}>
                  {formatHours(p.hours)} {T.hoursUnit}
                </Typography.Text>
              </Flex>
            ))}
          </Flex>
        </Card>
      )}
    </>
  );
}

/** 上传证明文件核验: the PDF goes to the server, which checks its signature and looks its number up. */
function UploadCheck({ pageNumber }: { pageNumber: string }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [verdict, setVerdict] = useState<UploadVerdict | null>(null);

  const verify = async (file: File) => {
    setFailure(null);
    setVerdict(null);
    // A quick look before sending: the server checks again and decides.
    if (!/\.pdf$/i.test(file.name) && file.type !== 'application/pdf') {
      setFailure({ title: T.notPdf, code: 'CLIENT_NOT_PDF', status: 0 });
      return;
    }
    if (file.size > MAX_PDF) {
      setFailure({ title: T.pdfTooLarge, code: 'CLIENT_TOO_LARGE', status: 0 });
      return;
    }
    setBusy(true);
    try {
      setVerdict(await certificatesApi.verifyFile(file));
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };

  const v = verdict ? T.verdict[verdict.signature] : null;
  return (
    <Card size="small" title={T.uploadTitle} data-testid="upload-check">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {T.uploadHint}
      </Typography.Paragraph>
      <Upload
        accept=".pdf,application/pdf"
        showUploadList={false}
        maxCount={1}
        beforeUpload={(file) => {
          void verify(file);
          return false;
        }}
      >
        <Button icon={<UploadOutlined />} loading={busy} data-testid="verify-upload">
          {busy ? T.verifying : T.choosePdf}
        </Button>
      </Upload>
      <div style={{ marginTop: 12 }}>
        <ProblemAlert failure={failure} />
        {verdict && v && (
          <Flex vertical gap={8}>
            <Alert
              type={v.type as 'success' | 'error'}
              showIcon
              data-testid="verify-verdict"
              data-signature={verdict.signature}
              title={<span style={{ fontSize: 16, fontWeight: 600 }}>{v.title}</span>}
              description={v.hint}
            />
            {verdict.number && (
              <Typography.Text type="secondary" style={{ fontSize: 13, wordBreak: 'break-all' }}>
                {T.fileNumber(verdict.number)}
              </Typography.Text>
            )}
            {verdict.number && pageNumber && verdict.number !== pageNumber.toUpperCase() && (
              <Alert type="warning" showIcon title={T.fileNumberMismatch(verdict.number)} />
            )}
            {verdict.number && !verdict.known && <Alert type="warning" showIcon title={T.fileUnknown} />}
            {verdict.signature === 'valid' && verdict.revoked && <Alert type="error" showIcon title={T.fileRevoked} />}
            {/* For an altered file, what the platform actually issued under that number. */}
            {verdict.signature !== 'valid' && verdict.certificate && (
              <Card size="small" type="inner" title={T.platformRecord}>
                <Typography.Text style={{ fontSize: 13 }}>
                  {verdict.certificate.volunteerName} · {formatHours(verdict.certificate.totalHours)} {T.hoursUnit} · {verdict.certificate.issuer} ·{' '}
                  {formatTime(verdict.certificate.issuedAt)} · {verdict.certificate.valid ? T.stateValid : T.stateRevoked}
                </Typography.Text>
              </Card>
            )}
          </Flex>
        )}
      </div>
    </Card>
  );
}
