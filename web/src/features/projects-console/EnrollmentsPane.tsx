import { Alert, App, Button, Empty, Flex, List, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { errorTitle } from '../../api/client';
import { consoleApi, type Enrollment, type EnrollmentStatus, type ProjectDetail } from '../../api/projectsConsole';
import { PageFooter } from '../../shared/PageFooter';
import { useLoad } from '../../shared/useLoad';
import { ItemCard, LoadError, ReasonModal, shortDateTime, StatusFilter, StatusTag } from './common';
import { enrollmentStatusText, pc } from './text';

const PAGE_SIZE = 50;

/** 报名审核: applications by status and position; approve, or reject with a reason. */
export function EnrollmentsPane({ project: p, onChanged }: { project: ProjectDetail; onChanged: () => void }) {
  const { message } = App.useApp();
  const [status, setStatus] = useState<EnrollmentStatus>('pending');
  const [positionId, setPositionId] = useState<string>('');
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const list = useLoad(() => consoleApi.enrollments(p.id, { status, page, pageSize: PAGE_SIZE }), [p.id, status, page, tick]);
  const [rejecting, setRejecting] = useState<Enrollment | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const items = (list.data?.items ?? []).filter((e) => !positionId || e.positionId === positionId);

  const changed = () => {
    setTick((t) => t + 1);
    onChanged();
  };

  const approve = async (e: Enrollment) => {
    setBusy(e.accountId);
    setFailure(null);
    try {
      await consoleApi.decide(p.id, e.accountId, { decision: 'approve' });
      void message.success(pc.approved);
      changed();
    } catch (err) {
      setFailure(errorTitle(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div data-testid="enrollments-pane">
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        {p.positions.map((pos) => (
          <Tag key={pos.id} color={pos.enrolledCount >= pos.quota ? 'red' : 'blue'} data-testid="position-quota">
            {pos.name} · {pc.quotaOf(pos.enrolledCount, pos.quota)}
          </Tag>
        ))}
      </Flex>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <StatusFilter<EnrollmentStatus>
          map={enrollmentStatusText}
          label={pc.filterStatus}
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          testId="enrollment-status"
        />
        <Select
          aria-label={pc.position}
          value={positionId}
          onChange={setPositionId}
          style={{ minWidth: 140 }}
          options={[{ value: '', label: pc.allPositions }, ...p.positions.map((pos) => ({ value: pos.id, label: pos.name }))]}
        />
      </Flex>
      {failure && <Alert type="error" showIcon title={failure} closable onClose={() => setFailure(null)} style={{ marginBottom: 12 }} data-testid="problem" />}
      <LoadError error={list.error} onRetry={list.reload} />
      <List<Enrollment>
        loading={list.loading}
        dataSource={items}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noEnrollments} /> }}
        renderItem={(e) => (
          <ItemCard
            testId="enrollment"
            basis="200px"
            attrs={{ 'data-name': e.name, 'data-status': e.status }}
            actions={
              e.status === 'pending' && (
                <>
                  <Button type="primary" size="small" loading={busy === e.accountId} onClick={() => approve(e)} data-testid="approve-enrollment">
                    {pc.approve}
                  </Button>
                  <Button danger size="small" onClick={() => setRejecting(e)} data-testid="reject-enrollment">
                    {pc.reject}
                  </Button>
                </>
              )
            }
          >
            <Typography.Text strong>
              {e.name} <Tag>{e.positionName}</Tag>
              <StatusTag map={enrollmentStatusText} status={e.status} />
            </Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {e.volunteerNumber ?? ''} {e.phone ?? ''} · {pc.appliedAt} {shortDateTime(e.appliedAt)} ·{' '}
              {e.via === 'exempt_password' ? pc.viaExempt : pc.viaApplication}
            </Typography.Text>
            {e.reason && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {pc.reason}：{e.reason}
              </Typography.Text>
            )}
          </ItemCard>
        )}
      />
      <PageFooter total={list.data?.total} page={page} pageSize={PAGE_SIZE} onChange={setPage} simple showSizeChanger={false} />
      <ReasonModal
        open={!!rejecting}
        title={pc.rejectTitle}
        okText={pc.reject}
        danger
        onCancel={() => setRejecting(null)}
        onSubmit={async (reason) => {
          if (!rejecting) return;
          await consoleApi.decide(p.id, rejecting.accountId, { decision: 'reject', reason });
          void message.success(pc.rejectedMsg);
          setRejecting(null);
          changed();
        }}
      />
    </div>
  );
}
