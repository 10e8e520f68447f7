import { App, Button, Empty, Flex, List, Tag, Typography, type ButtonProps } from 'antd';
import { useState, type ReactNode } from 'react';
import {
  consoleApi,
  type CorrectionStatus,
  type HourCorrection,
  type HourReport,
  type ProjectDetail,
  type ReportStatus,
} from '../../api/projectsConsole';
import type { Page } from '../../api/types';
import { PageFooter } from '../../shared/PageFooter';
import { useLoad } from '../../shared/useLoad';
import { ItemCard, LoadError, ReasonModal, shortDateTime, StatusFilter, StatusTag } from './common';
import { correctionStatusText, pc, reportStatusText } from './text';

const PAGE_SIZE = 20;

/** 举报与更正: reports on this project's records and volunteers' correction requests, decided with a reason. */
export function ReportsPane({ project: p }: { project: ProjectDetail }) {
  return (
    <Flex vertical gap={24} data-testid="reports-pane">
      <DecisionList project={p} kind={reports} />
      <DecisionList project={p} kind={corrections} />
    </Flex>
  );
}

/** What differs between the report list and the correction list; the list, filter, pager and dialog are shared. */
interface DecisionKind<T, S extends string, D extends string> {
  testId: string;
  itemTestId: string;
  title: string;
  empty: string;
  statusText: Record<S, { label: string; color: string }>;
  load: (groupId: string, query: { status: S; page: number; pageSize: number }) => Promise<Page<T>>;
  body: (item: T) => ReactNode;
  buttons: { decision: D; label: string; testId: string; props: ButtonProps }[];
  /** The dialog for a decision; undefined while it closes. */
  dialog: (decision: D | undefined) => { title: string; okText: string; danger?: boolean; required?: boolean };
  decide: (id: string, decision: D, reason: string) => Promise<unknown>;
}

interface Decidable {
  id: string;
  status: string;
  record: { projectId: string };
}

function recordLine(r: HourReport['record']) {
  return `${r.volunteerName ?? ''} ${r.serviceDate} ${r.startTime}–${r.endTime} · ${r.hours} ${pc.hoursUnit}`;
}

function proposedLine(c: HourCorrection) {
  const parts = [
    c.proposed.serviceDate ?? c.record.serviceDate,
    `${c.proposed.startTime ?? c.record.startTime}–${c.proposed.endTime ?? c.record.endTime}`,
    `${c.proposed.hours ?? c.record.hours} ${pc.hoursUnit}`,
  ];
  return parts.join(' ');
}

const reports: DecisionKind<HourReport, ReportStatus, 'uphold' | 'reject'> = {
  testId: 'hour-reports',
  itemTestId: 'hour-report',
  title: pc.reportsTitle,
  empty: pc.noReports,
  statusText: reportStatusText,
  load: (groupId, query) => consoleApi.reports(groupId, query),
  body: (r) => (
    <>
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
    </>
  ),
  buttons: [
    { decision: 'uphold', label: pc.uphold, testId: 'uphold-report', props: { danger: true } },
    { decision: 'reject', label: pc.rejectReport, testId: 'reject-report', props: {} },
  ],
  dialog: (d) => ({
    title: d === 'uphold' ? pc.upholdTitle : pc.rejectReportTitle,
    okText: d === 'uphold' ? pc.uphold : pc.rejectReport,
    danger: d === 'uphold',
  }),
  decide: (id, decision, reason) => consoleApi.decideReport(id, { decision, reason }),
};

const corrections: DecisionKind<HourCorrection, CorrectionStatus, 'accept' | 'reject'> = {
  testId: 'hour-corrections',
  itemTestId: 'hour-correction',
  title: pc.correctionsTitle,
  empty: pc.noCorrections,
  statusText: correctionStatusText,
  load: (groupId, query) => consoleApi.corrections(groupId, query),
  body: (c) => (
    <>
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
    </>
  ),
  buttons: [
    { decision: 'accept', label: pc.accept, testId: 'accept-correction', props: { type: 'primary' } },
    { decision: 'reject', label: pc.rejectCorrection, testId: 'reject-correction', props: {} },
  ],
  dialog: (d) => ({
    title: d === 'accept' ? pc.accept : pc.rejectCorrectionTitle,
    okText: d === 'accept' ? pc.accept : pc.rejectCorrection,
    required: d === 'reject',
  }),
  // A correction may be accepted without a word.
  decide: (id, decision, reason) => consoleApi.decideCorrection(id, { decision, ...(reason ? { reason } : {}) }),
};

function DecisionList<T extends Decidable, S extends string, D extends string>({
  project: p,
  kind,
}: {
  project: ProjectDetail;
  kind: DecisionKind<T, S, D>;
}) {
  const { message } = App.useApp();
  // Both lists open on their pending items.
  const [status, setStatus] = useState<S>('pending' as S);
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const list = useLoad(() => kind.load(p.groupId, { status, page, pageSize: PAGE_SIZE }), [p.groupId, status, page, tick]);
  const [deciding, setDeciding] = useState<{ item: T; decision: D } | null>(null);
  // The group's list covers all its projects; this page shows this project's.
  const items = (list.data?.items ?? []).filter((r) => r.record.projectId === p.id);
  const dialog = kind.dialog(deciding?.decision);

  return (
    <div data-testid={kind.testId}>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {kind.title}
        </Typography.Title>
        <StatusFilter<S>
          map={kind.statusText}
          label={kind.title}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
        />
      </Flex>
      <LoadError error={list.error} onRetry={list.reload} />
      <List<T>
        loading={list.loading}
        dataSource={items}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={kind.empty} /> }}
        renderItem={(item) => (
          <ItemCard
            testId={kind.itemTestId}
            basis="220px"
            actions={
              item.status === 'pending'
                ? kind.buttons.map((b) => (
                    <Button key={b.decision} size="small" {...b.props} onClick={() => setDeciding({ item, decision: b.decision })} data-testid={b.testId}>
                      {b.label}
                    </Button>
                  ))
                : null
            }
          >
            {kind.body(item)}
          </ItemCard>
        )}
      />
      <PageFooter total={list.data?.total} page={page} pageSize={PAGE_SIZE} onChange={setPage} simple showSizeChanger={false} />
      <ReasonModal
        open={!!deciding}
        title={dialog.title}
        okText={dialog.okText}
        danger={dialog.danger}
        required={dialog.required}
        onCancel={() => setDeciding(null)}
        onSubmit={async (reason) => {
          if (!deciding) return;
          await kind.decide(deciding.item.id, deciding.decision, reason);
          void message.success(pc.decided);
          setDeciding(null);
          setTick((t) => t + 1);
        }}
      />
    </div>
  );
}
