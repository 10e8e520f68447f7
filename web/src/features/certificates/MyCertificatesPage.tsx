import { DownloadOutlined, FileProtectOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, List, Select, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { certificatesApi, type MyCertificate } from '../../api/certificates';
import { projectsApi } from '../../api/projects';
import { Page } from '../../shared/Page';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatHours, formatTime } from '../projects/common';
import { certificateText as T } from './text';

const WHOLE = '';

/** /me/certificates: 开具志愿服务证明 (the whole record, or one project's) and the certificates issued so far. */
export function MyCertificatesPage() {
  const list = useLoad(() => certificatesApi.mine(), []);
  return (
    <Page
      title={
        <span>
          <SafetyCertificateOutlined /> {T.myTitle}
        </span>
      }
      docTitle={T.myTitle}
      width="medium"
    >
      <Flex vertical gap={16}>
        <IssueCard nextIssueAt={list.data?.nextIssueAt ?? null} onIssued={list.reload} />
        <Card size="small" title={T.listTitle}>
          {list.error ? (
            <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />
          ) : (
            <List<MyCertificate>
              loading={list.loading}
              dataSource={list.data?.items ?? []}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={T.none} /> }}
              renderItem={(c) => <CertificateItem c={c} />}
            />
          )}
        </Card>
      </Flex>
    </Page>
  );
}

function IssueCard({ nextIssueAt, onIssued }: { nextIssueAt: string | null; onIssued: () => void }) {
  const { message } = App.useApp();
  // The projects the volunteer has effective hours in: each may get its own certificate from its organiser.
  const hours = useLoad(() => projectsApi.myHours({ status: 'effective', pageSize: 100 }), []);
  const projects = useMemo(() => {
    const seen = new Map<string, string>();
    for (const h of hours.data?.items ?? []) if (!seen.has(h.projectId)) seen.set(h.projectId, h.projectName);
    return [...seen].map(([value, name]) => ({ value, label: T.perProject(name) }));
  }, [hours.data]);
  const [scope, setScope] = useState(WHOLE);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [limitedUntil, setLimitedUntil] = useState<string | null>(null);

  const issue = async () => {
    setBusy(true);
    setFailure(null);
    setLimitedUntil(null);
    try {
      const { number } = await certificatesApi.issue(scope || undefined);
      void message.success(T.issued(number));
      onIssued();
    } catch (err) {
      const f = toFailure(err);
      // The 3-hour rule's wait is hours long: say when, not a seconds countdown.
      if (f.status === 429) setLimitedUntil(new Date(Date.now() + (f.retryAfter ?? 0) * 1000).toISOString());
      setFailure(f);
    } finally {
      setBusy(false);
    }
  };

  const hint =
    failure?.code === 'CERTIFICATE_NOT_VERIFIED' ? T.notVerifiedHint : failure?.code === 'CERTIFICATE_NO_HOURS' ? (
      <>
        {T.noHoursHint} <Link to="/me/hours">{T.goHours}</Link>
      </>
    ) : undefined;

  return (
    <Card size="small" title={T.issueCard}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {T.issueHint}
      </Typography.Paragraph>
      {failure?.status === 429 ? (
        <Alert
          type="warning"
          showIcon
          role="alert"
          data-testid="problem"
          data-code={failure.code}
          title={failure.title}
          description={limitedUntil ? T.nextIssueAt(formatTime(limitedUntil)) : undefined}
          style={{ marginBottom: 16 }}
        />
      ) : (
        <ProblemAlert failure={failure} description={hint} />
      )}
      <Flex gap={8} wrap align="end">
        <label style={{ flex: '1 1 220px', minWidth: 0 }}>
          <Typography.Text type="secondary" style={{ display: 'block', fontSize: 13, marginBottom: 4 }}>
            {T.scope}
          </Typography.Text>
          <Select
            value={scope}
            onChange={setScope}
            loading={hours.loading}
            style={{ width: '100%' }}
            data-testid="certificate-scope"
            options={[{ value: WHOLE, label: T.wholeRecord }, ...projects]}
          />
        </label>
        <Button type="primary" icon={<FileProtectOutlined />} loading={busy} onClick={issue} data-testid="issue-certificate" style={{ flex: 'none' }}>
          {T.issue}
        </Button>
      </Flex>
      {nextIssueAt && !limitedUntil && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13, margin: '8px 0 0' }} data-testid="next-issue-at">
          {T.nextIssueAt(formatTime(nextIssueAt))}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

function CertificateItem({ c }: { c: MyCertificate }) {
  return (
    <List.Item data-testid="my-certificate" data-number={c.number} data-status={c.status} style={{ paddingInline: 0 }}>
      <Flex vertical gap={4} style={{ width: '100%', minWidth: 0 }}>
        <Flex justify="space-between" gap={8} align="start">
          <Typography.Text strong copyable={{ text: c.number }} style={{ fontFamily: 'monospace', fontSize: 13, minWidth: 0, wordBreak: 'break-all' }} data-testid="certificate-number">
            {c.number}
          </Typography.Text>
          <Flex gap={4} style={{ flex: 'none' }}>
            <Tag style={{ marginInlineEnd: 0 }}>{c.kind === 'platform' ? T.kindPlatform : T.kindProject}</Tag>
            <Tag color={c.status === 'valid' ? 'green' : 'red'} style={{ marginInlineEnd: 0 }}>
              {c.status === 'valid' ? T.stateValid : T.stateRevoked}
            </Tag>
          </Flex>
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {T.issuedAt} {formatTime(c.issuedAt)} · {T.hours}{' '}
          <Typography.Text strong data-testid="certificate-hours">
            {formatHours(c.totalHours)}
          </Typography.Text>{' '}
          {T.hoursUnit}
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {T.issuer}：{c.issuer}
        </Typography.Text>
        <Flex gap={8} justify="end" wrap>
          <Link to={`/certificates/${encodeURIComponent(c.number)}`}>
            <Button size="small" icon={<SafetyCertificateOutlined />}>
              {T.check}
            </Button>
          </Link>
          {/* A same-origin link: the session cookie goes along and the server answers with the PDF as an attachment. */}
          <Button size="small" type="primary" icon={<DownloadOutlined />} href={c.downloadUrl} download={`${c.number}.pdf`} data-testid="certificate-download">
            {T.download}
          </Button>
        </Flex>
      </Flex>
    </List.Item>
  );
}
