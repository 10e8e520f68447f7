import { StarOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Flex, Form, Input, List, Modal, Rate, Typography } from 'antd';
import { useState } from 'react';
import { evaluationsApi, type ProjectEvaluation } from '../../api/commendations';
import { consoleApi } from '../../api/projectsConsole';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatTime } from '../projects/common';
import { evaluationPaneText as T } from './text';

interface Candidate {
  accountId: string;
  name: string;
  volunteerNumber: string | null;
  evaluation: ProjectEvaluation | null;
}

/**
 * 评价 in the project console: the volunteers with records or an accepted enrolment, each with the group's rating.
 * Whether a volunteer may be rated yet (the project finished, a record exists) is the server's call (422 NOT_ELIGIBLE).
 */
export function EvaluationsPane({ projectId }: { projectId: string }) {
  const data = useLoad(async () => {
    const [enrolled, records, evaluations] = await Promise.all([
      consoleApi.enrollments(projectId, { status: 'enrolled', pageSize: 100 }),
      consoleApi.records(projectId, { pageSize: 100 }),
      evaluationsApi.ofProject(projectId, { pageSize: 100 }),
    ]);
    const byId = new Map<string, Candidate>();
    const evaluated = new Map(evaluations.items.map((e) => [e.accountId, e]));
    for (const e of evaluations.items) byId.set(e.accountId, { accountId: e.accountId, name: e.volunteerName, volunteerNumber: e.volunteerNumber, evaluation: e });
    for (const r of records.items) {
      if (r.status !== 'deleted' && !byId.has(r.volunteerId)) {
        byId.set(r.volunteerId, { accountId: r.volunteerId, name: r.volunteerName, volunteerNumber: r.volunteerNumber, evaluation: evaluated.get(r.volunteerId) ?? null });
      }
    }
    for (const e of enrolled.items) {
      if (!byId.has(e.accountId)) byId.set(e.accountId, { accountId: e.accountId, name: e.name, volunteerNumber: e.volunteerNumber, evaluation: null });
    }
    return [...byId.values()];
  }, [projectId]);
  const [target, setTarget] = useState<Candidate | null>(null);
  const rows = data.data ?? [];
  const ratedCount = rows.filter((r) => r.evaluation).length;

  return (
    <Flex vertical gap={12} data-testid="evaluations-pane">
      <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 13 }}>
        {T.hint}
      </Typography.Paragraph>
      {data.error ? (
        <Alert type="error" showIcon title={errorTitle(data.error)} action={<Button onClick={data.reload}>{commonText.retry}</Button>} />
      ) : (
        <Card size="small" title={rows.length ? T.rated(ratedCount, rows.length) : undefined}>
          <List<Candidate>
            loading={data.loading}
            dataSource={rows}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={T.none} /> }}
            renderItem={(c) => {
              const e = c.evaluation;
              const editable = !e || new Date(e.editableUntil).getTime() > Date.now();
              return (
                <List.Item data-testid="evaluation-row" data-account-id={c.accountId} data-rating={e?.rating ?? ''} style={{ paddingInline: 0 }}>
                  <Flex justify="space-between" gap={8} align="center" wrap style={{ width: '100%' }}>
                    <Flex vertical style={{ minWidth: 0, flex: '1 1 160px' }}>
                      <Typography.Text strong>
                        {c.name}
                        {c.volunteerNumber && (
                          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
                            {' '}
                            {c.volunteerNumber}
                          </Typography.Text>
                        )}
                      </Typography.Text>
                      {e ? (
                        <>
                          <Rate disabled value={e.rating} style={{ fontSize: 14 }} />
                          {e.comment && <Typography.Text style={{ fontSize: 13, overflowWrap: 'anywhere' }}>{e.comment}</Typography.Text>}
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {editable ? T.editableUntil(formatTime(e.editableUntil)) : T.locked}
                          </Typography.Text>
                        </>
                      ) : (
                        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                          {T.notYet}
                        </Typography.Text>
                      )}
                    </Flex>
                    {editable && (
                      <Button size="small" icon={<StarOutlined />} type={e ? 'default' : 'primary'} onClick={() => setTarget(c)} data-testid="evaluate">
                        {e ? T.edit : T.rate}
                      </Button>
                    )}
                  </Flex>
                </List.Item>
              );
            }}
          />
        </Card>
      )}
      <EvaluateModal projectId={projectId} target={target} onClose={() => setTarget(null)} onSaved={data.reload} />
    </Flex>
  );
}

function EvaluateModal({ projectId, target, onClose, onSaved }: { projectId: string; target: Candidate | null; onClose: () => void; onSaved: () => void }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const close = () => {
    setFailure(null);
    onClose();
  };
  const onFinish = async (v: { rating: number; comment?: string }) => {
    if (!target) return;
    setBusy(true);
    setFailure(null);
    const body = { rating: v.rating, ...(v.comment?.trim() ? { comment: v.comment.trim() } : {}) };
    try {
      if (target.evaluation) await evaluationsApi.update(projectId, target.accountId, body);
      else await evaluationsApi.create(projectId, { accountId: target.accountId, ...body });
      void message.success(T.saved);
      close();
      onSaved();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={!!target} title={target ? T.modalTitle(target.name) : ''} onCancel={close} footer={null} destroyOnHidden>
      {target && (
        <Form layout="vertical" onFinish={onFinish} initialValues={{ rating: target.evaluation?.rating, comment: target.evaluation?.comment ?? '' }}>
          <Form.Item name="rating" label={T.rating} rules={[{ required: true, message: T.ratingRequired }]}>
            <Rate data-testid="evaluation-rate" />
          </Form.Item>
          <Form.Item name="comment" label={T.comment}>
            <Input.TextArea rows={3} maxLength={500} showCount placeholder={T.commentPlaceholder} data-testid="evaluation-comment" />
          </Form.Item>
          <ProblemAlert failure={failure} />
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="evaluation-save">
            {T.save}
          </Button>
        </Form>
      )}
    </Modal>
  );
}
