import { ClockCircleOutlined, EditOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, Form, Input, InputNumber, List, Modal, Statistic, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { projectsApi, type CorrectionBody, type HourCorrection, type HourReport, type HourStatus, type MyHour } from '../../api/projects';
import { Page } from '../../shared/Page';
import { PageFooter } from '../../shared/PageFooter';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { useTabParam } from '../../shared/useTabParam';
import { errorTitle, formatHours, formatTime, LabelTag } from './common';
import { hourStatusText, projectText as T, requestStatusText } from './text';

type Tab = HourStatus | 'requests';
const TABS: Tab[] = ['effective', 'ineffective', 'deleted', 'requests'];
const PAGE_SIZE = 20;

/** /me/hours: my service records by status, 申请更正, and what became of my reports and correction requests. */
export function MyHoursPage() {
  const [tab, setTab] = useTabParam(TABS, 'effective');
  const summary = useLoad(() => projectsApi.summary(), []);
  const [tick, setTick] = useState(0);
  return (
    <Page
      title={
        <span>
          <ClockCircleOutlined /> {T.hoursTitle}
        </span>
      }
      docTitle={T.hoursTitle}
      width="medium"
    >
      <Card size="small" style={{ marginBottom: 12 }}>
        <div data-testid="hours-total" data-hours={summary.data?.totalHours}>
          <Statistic title={T.effectiveTotal} value={summary.data ? formatHours(summary.data.totalHours) : '—'} suffix={T.hoursUnit} />
        </div>
      </Card>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={TABS.map((t) => ({
          key: t,
          label: <span data-testid={`tab-${t}`}>{t === 'requests' ? T.myRequests : hourStatusText[t]!.label}</span>,
          children: t === 'requests' ? <MyRequests key={tick} /> : <HourList status={t} onRequested={() => setTick((n) => n + 1)} />,
        }))}
      />
    </Page>
  );
}

function HourList({ status, onRequested }: { status: HourStatus; onRequested: () => void }) {
  const [page, setPage] = useState(1);
  const list = useLoad(() => projectsApi.myHours({ status, page, pageSize: PAGE_SIZE }), [status, page]);
  const [target, setTarget] = useState<MyHour | null>(null);
  if (list.error) {
    return <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />;
  }
  const items = list.data?.items ?? [];
  const pageHours = items.reduce((sum, h) => sum + Number(h.hours), 0);
  return (
    <>
      {list.data && list.data.total > 0 && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }} data-testid="hours-page-total">
          {T.recordCount(list.data.total)} · {T.pageTotal(items.length, formatHours(Math.round(pageHours * 100) / 100))}
        </Typography.Paragraph>
      )}
      <List<MyHour>
        loading={list.loading}
        dataSource={items}
        locale={{ emptyText: <Empty description={T.noHours} /> }}
        renderItem={(h) => (
          <Card size="small" style={{ marginBottom: 8 }} data-testid="my-hour" data-hour-id={h.id}>
            <Flex vertical gap={4}>
              <Flex justify="space-between" gap={8} align="start">
                <Link to={`/projects/${encodeURIComponent(h.projectId)}`} style={{ fontWeight: 600, minWidth: 0 }}>
                  {h.projectName}
                </Link>
                <Typography.Text strong style={{ flex: 'none', fontSize: 16 }} data-testid="my-hour-hours">
                  {formatHours(h.hours)} {T.hoursUnit}
                </Typography.Text>
              </Flex>
              <Flex justify="space-between" gap={8} align="center">
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {h.serviceDate} {h.startTime}–{h.endTime}
                </Typography.Text>
                <LabelTag map={hourStatusText} value={h.status} />
              </Flex>
              {h.note && (
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {T.note}：{h.note}
                </Typography.Text>
              )}
              {h.ineffectiveReason && (
                <Typography.Text type="warning" style={{ fontSize: 13 }}>
                  {T.ineffectiveReason}：{h.ineffectiveReason}
                </Typography.Text>
              )}
              {h.deletedReason && (
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  {T.deletedReason}：{h.deletedReason}（{formatTime(h.deletedAt)}）
                </Typography.Text>
              )}
              {h.status !== 'deleted' && (
                <Button size="small" icon={<EditOutlined />} style={{ alignSelf: 'flex-end' }} onClick={() => setTarget(h)} data-testid="request-correction">
                  {T.requestCorrection}
                </Button>
              )}
            </Flex>
          </Card>
        )}
      />
      <PageFooter total={list.data?.total} page={page} pageSize={PAGE_SIZE} onChange={setPage} simple />
      <CorrectionModal hour={target} onClose={() => setTarget(null)} onSent={onRequested} />
    </>
  );
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

interface CorrectionForm {
  reason: string;
  serviceDate?: string;
  startTime?: string;
  endTime?: string;
  hours?: number | null;
}

function CorrectionModal({ hour, onClose, onSent }: { hour: MyHour | null; onClose: () => void; onSent: () => void }) {
  const { message } = App.useApp();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setFailure(null);
    onClose();
  };
  const onFinish = async (v: CorrectionForm) => {
    if (!hour) return;
    const body: CorrectionBody = { reason: v.reason.trim() };
    // Only what differs from the record is asked for.
    if (v.serviceDate && v.serviceDate !== hour.serviceDate) body.serviceDate = v.serviceDate;
    if (v.startTime && v.startTime !== hour.startTime) body.startTime = v.startTime;
    if (v.endTime && v.endTime !== hour.endTime) body.endTime = v.endTime;
    if (v.hours != null && Number(v.hours) !== Number(hour.hours)) body.hours = Number(v.hours);
    setBusy(true);
    setFailure(null);
    try {
      await projectsApi.requestCorrection(hour.id, body);
      void message.success(T.correctionSent);
      close();
      onSent();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={!!hour} title={T.correctionTitle} onCancel={close} footer={null} destroyOnHidden>
      {hour && (
        <Form<CorrectionForm>
          layout="vertical"
          onFinish={onFinish}
          initialValues={{ serviceDate: hour.serviceDate, startTime: hour.startTime, endTime: hour.endTime, hours: Number(hour.hours) }}
        >
          <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
            {hour.projectName} · {T.correctionHint}
          </Typography.Paragraph>
          <Flex gap={8} wrap>
            <Form.Item name="serviceDate" label={T.serviceDate} rules={[{ pattern: /^\d{4}-\d{2}-\d{2}$/, message: 'YYYY-MM-DD' }]} style={{ flex: '1 1 140px' }}>
              <Input maxLength={10} inputMode="numeric" />
            </Form.Item>
            <Form.Item name="hours" label={T.hours} style={{ flex: '1 1 100px' }}>
              <InputNumber min={0} max={24} step={0.5} precision={2} style={{ width: '100%' }} />
            </Form.Item>
          </Flex>
          <Flex gap={8} wrap>
            <Form.Item name="startTime" label={T.startTime} rules={[{ pattern: HHMM, message: 'HH:MM' }]} style={{ flex: '1 1 100px' }}>
              <Input maxLength={5} inputMode="numeric" />
            </Form.Item>
            <Form.Item name="endTime" label={T.endTime} rules={[{ pattern: HHMM, message: 'HH:MM' }]} style={{ flex: '1 1 100px' }}>
              <Input maxLength={5} inputMode="numeric" />
            </Form.Item>
          </Flex>
          <Form.Item name="reason" label={T.correctionReason} rules={[{ required: true, whitespace: true, message: T.correctionReasonRequired }]}>
            <Input.TextArea rows={3} maxLength={500} showCount placeholder={T.correctionReasonPlaceholder} data-testid="correction-reason" />
          </Form.Item>
          <ProblemAlert failure={failure} />
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="correction-submit">
            {T.submit}
          </Button>
        </Form>
      )}
    </Modal>
  );
}

interface RequestRow {
  id: string;
  what: string;
  change?: string;
  reason: string;
  status: string;
  decision: string | null;
  createdAt: string;
}

function MyRequests() {
  const reports = useLoad(() => projectsApi.myReports({ pageSize: 50 }), []);
  const corrections = useLoad(() => projectsApi.myCorrections({ pageSize: 50 }), []);
  const span = (r: { serviceDate: string; startTime: string; endTime: string; hours: number }) =>
    `${r.serviceDate} ${r.startTime}–${r.endTime} ${formatHours(r.hours)} ${T.hoursUnit}`;
  const reportRows = (reports.data?.items ?? []).map(
    (r: HourReport): RequestRow => ({
      id: r.id, what: `${r.projectName} · ${r.volunteerName} · ${span(r)}`, reason: r.reason, status: r.status, decision: r.outcome, createdAt: r.createdAt,
    }),
  );
  const correctionRows = (corrections.data?.items ?? []).map((c: HourCorrection): RequestRow => {
    const p = c.proposed;
    const change = [p.serviceDate, p.startTime || p.endTime ? `${p.startTime ?? c.record.startTime}–${p.endTime ?? c.record.endTime}` : null, p.hours != null ? `${formatHours(p.hours)} ${T.hoursUnit}` : null]
      .filter(Boolean)
      .join(' ');
    return {
      id: c.id, what: `${c.record.projectName} · ${span(c.record)}`, change: change ? `→ ${change}` : undefined, reason: c.reason, status: c.status,
      decision: c.decisionReason, createdAt: c.createdAt,
    };
  });
  return (
    <Flex vertical gap={16}>
      <RequestList title={T.myReports} rows={reportRows} loading={reports.loading} error={reports.error} testId="my-report" />
      <RequestList title={T.myCorrections} rows={correctionRows} loading={corrections.loading} error={corrections.error} testId="my-correction" />
    </Flex>
  );
}

function RequestList({ title, rows, loading, error, testId }: { title: string; rows: RequestRow[]; loading: boolean; error: unknown; testId: string }) {
  return (
    <Card size="small" title={title}>
      {error ? (
        <Alert type="error" showIcon title={errorTitle(error)} />
      ) : (
        <List<RequestRow>
          loading={loading}
          dataSource={rows}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={T.noRequests} /> }}
          renderItem={(r) => (
            <List.Item data-testid={testId} data-status={r.status} style={{ paddingInline: 0 }}>
              <Flex vertical gap={2} style={{ width: '100%' }}>
                <Flex justify="space-between" gap={8} align="start">
                  <Typography.Text strong style={{ minWidth: 0 }}>
                    {r.what}
                  </Typography.Text>
                  <LabelTag map={requestStatusText} value={r.status} />
                </Flex>
                {r.change && <Typography.Text style={{ fontSize: 13 }}>{r.change}</Typography.Text>}
                <Typography.Text style={{ fontSize: 13 }}>{r.reason}</Typography.Text>
                {r.decision && (
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {T.decision}：{r.decision}
                  </Typography.Text>
                )}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {T.submittedAt} {formatTime(r.createdAt)}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
