import { App, Button, Card, Empty, Flex, List, Pagination, Segmented, Tag, Typography } from 'antd';
import { useState } from 'react';
import {
  consoleApi,
  type CorrectionStatus,
  type HourCorrection,
  type HourReport,
  type ProjectDetail,
  type ReportStatus,
} from '../../api/projectsConsole';
import { useLoad } from '../../shared/useLoad';
import { LoadError, ReasonModal, shortDateTime, StatusTag } from './common';
import { correctionStatusText, pc, reportStatusText } from './text';

const PAGE_SIZE = 20;

/** 举报与更正: reports on this project's records and volunteers' correction requests, decided with a reason. */
export function ReportsPane({ project: p }: { project: ProjectDetail }) {
  return (
    <Flex vertical gap={24} data-testid="reports-pane">
      <Reports project={p} />
      <Corrections project={p} />
    </Flex>
  );
}

function recordLine(r: HourReport['record']) {
  return `${r.volunteerName ?? ''} ${r.serviceDate} ${r.startTime}–${r.endTime} · ${r.hours} ${pc.hoursUnit}`;
}

function Reports({ project: p }: { project: ProjectDetail }) {
  const { message } = App.useApp();
  const [status, setStatus] = useState<ReportStatus>('pending');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const list = useLoad(() => consoleApi.reports(p.groupId, { status, page, pageSize: PAGE_SIZE }), [p.groupId, status, page, tick]);
  const [deciding, setDeciding] = useState<{ report: HourReport; decision: 'uphold' | 'reject' } | null>(null);
  // The group's list covers all its projects; this page shows this project's.
  const items = (list.data?.items ?? []).filter((r) => r.record.projectId === p.id);

  return (
    <div data-testid="hour-reports">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {pc.reportsTitle}
        </Typography.Title>
        <Segmented<ReportStatus>
          aria-label={pc.reportsTitle}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={(Object.keys(reportStatusText) as ReportStatus[]).map((s) => ({ value: s, label: reportStatusText[s].label }))}
        />
      </Flex>
      <LoadError error={list.error} onRetry={list.reload} />
      <List<HourReport>
        loading={list.loading}
        dataSource={items}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noReports} /> }}
        renderItem={(r) => (
          <Card size="small" style={{ marginBottom: 8 }} data-testid="hour-report">
            <Flex justify="space-between" align="center" wrap gap={8}>
              <Flex vertical style={{ minWidth: 0, flex: '1 1 220px' }}>
                <Typography.Text strong>
                  {recordLine(r.record)} <StatusTag map={reportStatusText} status={r.status} />
                </Typography.Text>
                <Typography.Text style={{ wordBreak: 'break-word' }}>
                  {pc.reportReason}：{r.reason}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {pc.reporter}：{r.reporterName} · {shortDateTime(r.createdAt)}
                </Typography.Text>
                {r.decisionReason && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {pc.reason}：{r.decisionReason}
                  </Typography.Text>
                )}
              </Flex>
              {r.status === 'pending' && (
                <Flex gap={8}>
                  <Button size="small" danger onClick={() => setDeciding({ report: r, decision: 'uphold' })} data-testid="uphold-report">
                    {pc.uphold}
                  </Button>
                  <Button size="small" onClick={() => setDeciding({ report: r, decision: 'reject' })} data-testid="reject-report">
                    {pc.rejectReport}
                  </Button>
                </Flex>
              )}
            </Flex>
          </Card>
        )}
      />
      {list.data && list.data.total > PAGE_SIZE && (
        <Flex justify="center" style={{ marginTop: 12 }}>
          <Pagination simple current={page} pageSize={PAGE_SIZE} total={list.data.total} onChange={setPage} showSizeChanger={false} />
        </Flex>
      )}
      <ReasonModal
        open={!!deciding}
        title={deciding?.decision === 'uphold' ? pc.upholdTitle : pc.rejectReportTitle}
        okText={deciding?.decision === 'uphold' ? pc.uphold : pc.rejectReport}
        danger={deciding?.decision === 'uphold'}
        onCancel={() => setDeciding(null)}
        onSubmit={async (reason) => {
          if (!deciding) return;
          await consoleApi.decideReport(deciding.report.id, { decision: deciding.decision, reason });
          void message.success(pc.decided);
          setDeciding(null);
          setTick((t) => t + 1);
        }}
      />
    </div>
  );
}

function proposedLine(c: HourCorrection) {
  const parts = [
    c.proposed.serviceDate ?? c.record.serviceDate,
    `${c.proposed.startTime ?? c.record.startTime}–${c.proposed.endTime ?? c.record.endTime}`,
    `${c.proposed.hours ?? c.record.hours} ${pc.hoursUnit}`,
  ];
  return parts.join(' ');
}

function Corrections({ project: p }: { project: ProjectDetail }) {
  const { message } = App.useApp();
  const [status, setStatus] = useState<CorrectionStatus>('pending');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const list = useLoad(() => consoleApi.corrections(p.groupId, { status, page, pageSize: PAGE_SIZE }), [p.groupId, status, page, tick]);
  const [deciding, setDeciding] = useState<{ correction: HourCorrection; decision: 'accept' | 'reject' } | null>(null);
  const items = (list.data?.items ?? []).filter((c) => c.record.projectId === p.id);

  return (
    <div data-testid="hour-corrections">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {pc.correctionsTitle}
        </Typography.Title>
        <Segmented<CorrectionStatus>
          aria-label={pc.correctionsTitle}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={(Object.keys(correctionStatusText) as CorrectionStatus[]).map((s) => ({ value: s, label: correctionStatusText[s].label }))}
        />
      </Flex>
      <LoadError error={list.error} onRetry={list.reload} />
      <List<HourCorrection>
        loading={list.loading}
        dataSource={items}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noCorrections} /> }}
        renderItem={(c) => (
          <Card size="small" style={{ marginBottom: 8 }} data-testid="hour-correction">
            <Flex justify="space-between" align="center" wrap gap={8}>
              <Flex vertical style={{ minWidth: 0, flex: '1 1 220px' }}>
                <Typography.Text strong>
                  {c.volunteerName} <StatusTag map={correctionStatusText} status={c.status} />
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {pc.record}：{c.record.serviceDate} {c.record.startTime}–{c.record.endTime} · {c.record.hours} {pc.hoursUnit}
                </Typography.Text>
                <Typography.Text>
                  {pc.requested}：<Tag color="blue">{proposedLine(c)}</Tag>
                </Typography.Text>
                <Typography.Text style={{ wordBreak: 'break-word' }}>
                  {pc.correctionReason}：{c.reason}
                </Typography.Text>
                {c.decisionReason && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {pc.reason}：{c.decisionReason}
                  </Typography.Text>
                )}
              </Flex>
              {c.status === 'pending' && (
                <Flex gap={8}>
                  <Button size="small" type="primary" onClick={() => setDeciding({ correction: c, decision: 'accept' })} data-testid="accept-correction">
                    {pc.accept}
                  </Button>
                  <Button size="small" onClick={() => setDeciding({ correction: c, decision: 'reject' })} data-testid="reject-correction">
                    {pc.rejectCorrection}
                  </Button>
                </Flex>
              )}
            </Flex>
          </Card>
        )}
      />
      {list.data && list.data.total > PAGE_SIZE && (
        <Flex justify="center" style={{ marginTop: 12 }}>
          <Pagination simple current={page} pageSize={PAGE_SIZE} total={list.data.total} onChange={setPage} showSizeChanger={false} />
        </Flex>
      )}
      <ReasonModal
        open={!!deciding}
        title={deciding?.decision === 'accept' ? pc.accept : pc.rejectCorrectionTitle}
        okText={deciding?.decision === 'accept' ? pc.accept : pc.rejectCorrection}
        required={deciding?.decision === 'reject'}
        onCancel={() => setDeciding(null)}
        onSubmit={async (reason) => {
          if (!deciding) return;
          await consoleApi.decideCorrection(deciding.correction.id, { decision: deciding.decision, ...(reason ? { reason } : {}) });
          void message.success(pc.decided);
          setDeciding(null);
          setTick((t) => t + 1);
        }}
      />
    </div>
  );
}
