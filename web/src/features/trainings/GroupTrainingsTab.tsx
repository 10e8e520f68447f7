import { DeleteOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import {
  Alert, App, Button, Card, Checkbox, DatePicker, Drawer, Empty, Flex, Form, Grid, Input, InputNumber, List, Modal, Pagination, Radio,
  Tag, Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { trainingsApi, type NewTraining, type QuestionType, type TrainingKind, type TrainingSummary } from '../../api/trainings';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle, formatTime, LabelTag } from '../projects/common';
import { kindText, questionTypeText, trainingConsoleText as T, trainingFieldText, trainingProblemText } from './text';

const PAGE_SIZE = 10;

/** The group console's 培训 tab: the group's trainings, publishing a new one, and an offline training's roster. */
export function GroupTrainingsTab({ groupId }: { groupId: string }) {
  const [page, setPage] = useState(1);
  const list = useLoad(() => trainingsApi.list({ groupId, page, pageSize: PAGE_SIZE }), [groupId, page]);
  const [publishing, setPublishing] = useState(false);
  const [roster, setRoster] = useState<TrainingSummary | null>(null);
  return (
    <Flex vertical gap={12} data-testid="group-trainings">
      <Flex justify="space-between" align="center" gap={8}>
        <Typography.Text strong>{T.ours}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setPublishing(true)} data-testid="training-publish">
          {T.publish}
        </Button>
      </Flex>
      {list.error ? (
        <Alert type="error" showIcon title={errorTitle(list.error)} action={<Button onClick={list.reload}>{commonText.retry}</Button>} />
      ) : (
        <List<TrainingSummary>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={T.none} /> }}
          renderItem={(t) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="group-training" data-id={t.id}>
              <Flex justify="space-between" gap={8} align="start" wrap>
                <Flex vertical gap={2} style={{ minWidth: 0, flex: '1 1 200px' }}>
                  <Link to={`/trainings/${encodeURIComponent(t.id)}`} style={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
                    {t.title}
                  </Link>
                  <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                    {t.kind === 'offline' ? `${formatTime(t.startsAt)} · ${t.registeredCount ?? 0}/${t.capacity ?? 0}` : formatTime(t.createdAt)}
                  </Typography.Text>
                </Flex>
                <Flex gap={8} align="center">
                  <LabelTag map={kindText} value={t.kind} />
                  {t.kind === 'offline' && (
                    <Button size="small" icon={<TeamOutlined />} onClick={() => setRoster(t)}>
                      {T.roster}
                    </Button>
                  )}
                </Flex>
              </Flex>
            </Card>
          )}
        />
      )}
      {list.data && list.data.total > PAGE_SIZE && (
        <Flex justify="center">
          <Pagination simple current={page} pageSize={PAGE_SIZE} total={list.data.total} onChange={setPage} />
        </Flex>
      )}
      <PublishDrawer
        open={publishing}
        onClose={() => setPublishing(false)}
        onPublished={() => {
          setPublishing(false);
          setPage(1);
          list.reload();
        }}
      />
      <RosterModal training={roster} onClose={() => setRoster(null)} onChanged={list.reload} />
    </Flex>
  );
}

interface QuestionForm {
  type: QuestionType;
  text: string;
  options?: string;
  answer?: number | number[];
}

interface PublishForm {
  kind: TrainingKind;
  title: string;
  description?: string;
  startsAt?: Dayjs;
  endsAt?: Dayjs;
  address?: string;
  capacity?: number;
  pages?: { title: string; body: string }[];
  questions?: QuestionForm[];
  questionCount?: number;
  timeLimitMinutes?: number;
  passMark?: number;
  maxAttempts?: number;
  retakeAfterHours?: number;
}

const lines = (text: string | undefined) => (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
const TRUE_FALSE = ['正确', '错误'];

/** "questions.2.answer" → "题库 · 第 3 题 · 正确答案". */
function fieldLabel(field: string): string {
  return field
    .split('.')
    .map((part, i, all) => (/^\d+$/.test(part) ? (all[i - 1] === 'questions' ? T.question(Number(part) + 1) : all[i - 1] === 'pages' ? T.page(Number(part) + 1) : `${Number(part) + 1}`) : trainingFieldText[part] ?? part))
    .join(' · ');
}

function toBody(v: PublishForm): NewTraining {
  const base: NewTraining = { kind: v.kind, title: v.title.trim(), ...(v.description?.trim() ? { description: v.description.trim() } : {}) };
  if (v.kind === 'offline') {
    return { ...base, startsAt: v.startsAt?.toISOString(), endsAt: v.endsAt?.toISOString(), address: v.address?.trim(), capacity: v.capacity };
  }
  if (v.kind === 'course') return { ...base, pages: (v.pages ?? []).map((p) => ({ title: p.title.trim(), body: p.body })) };
  return {
    ...base,
    questions: (v.questions ?? []).map((q) => ({
      type: q.type,
      text: q.text.trim(),
      ...(q.type === 'true_false' ? {} : { options: lines(q.options) }),
      answer: Array.isArray(q.answer) ? q.answer : q.answer === undefined ? [] : [q.answer],
    })),
    questionCount: v.questionCount,
    timeLimitMinutes: v.timeLimitMinutes,
    passMark: v.passMark,
    maxAttempts: v.maxAttempts,
    retakeAfterHours: v.retakeAfterHours ?? 0,
  };
}

function PublishDrawer({ open, onClose, onPublished }: { open: boolean; onClose: () => void; onPublished: () => void }) {
  const [form] = Form.useForm<PublishForm>();
  const kind = Form.useWatch('kind', form) ?? 'offline';
  const screens = Grid.useBreakpoint();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const required = { required: true, message: T.required };

  const onFinish = async (v: PublishForm) => {
    setBusy(true);
    setFailure(null);
    setProblems([]);
    try {
      await trainingsApi.create(toBody(v));
      void message.success(T.published);
      form.resetFields();
      onPublished();
    } catch (err) {
      setFailure(toFailure(err));
      if (err instanceof ApiError && err.problem.errors) {
        setProblems(err.problem.errors.map((e) => `${fieldLabel(e.field)}：${trainingProblemText[e.code] ?? e.message ?? e.code}`));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer open={open} onClose={onClose} title={T.publishTitle} size={screens.md ? 640 : '100%'} destroyOnHidden>
      <Form<PublishForm>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{ kind: 'offline', capacity: 30, questionCount: 10, timeLimitMinutes: 30, passMark: 60, maxAttempts: 3, retakeAfterHours: 0,
          pages: [{ title: '', body: '' }], questions: [{ type: 'single', text: '' }] }}
        data-testid="training-publish-form"
      >
        <Form.Item name="kind" label={T.kind}>
          <Radio.Group optionType="button" options={(['offline', 'course', 'exam'] as const).map((k) => ({ value: k, label: kindText[k]!.label }))} />
        </Form.Item>
        <Form.Item name="title" label={T.title} rules={[{ required: true, whitespace: true, min: 2, max: 100, message: T.titleRequired }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="description" label={T.description}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>

        {kind === 'offline' && (
          <>
            <Flex gap={8} wrap>
              <Form.Item name="startsAt" label={T.startsAt} rules={[{ required: true, message: T.timeRequired }]} style={{ flex: '1 1 200px' }}>
                <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} inputReadOnly />
              </Form.Item>
              <Form.Item name="endsAt" label={T.endsAt} rules={[{ required: true, message: T.timeRequired }]} style={{ flex: '1 1 200px' }}>
                <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} inputReadOnly />
              </Form.Item>
            </Flex>
            <Form.Item name="address" label={T.address} rules={[{ required: true, whitespace: true, message: T.addressRequired }]}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item name="capacity" label={T.capacity} rules={[{ required: true, message: T.capacityRequired }]}>
              <InputNumber min={1} max={100000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}

        {kind === 'course' && (
          <Form.List name="pages">
            {(fields, { add, remove }) => (
              <Flex vertical gap={8} style={{ marginBottom: 16 }}>
                <Typography.Text strong>{T.pages}</Typography.Text>
                {fields.map((f, i) => (
                  <Card
                    key={f.key}
                    size="small"
                    title={T.page(i + 1)}
                    extra={fields.length > 1 && <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={T.remove} />}
                  >
                    <Form.Item name={[f.name, 'title']} label={T.pageTitle} rules={[{ ...required, whitespace: true }]}>
                      <Input maxLength={100} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'body']} label={T.pageBody} rules={[{ ...required, whitespace: true }]} style={{ marginBottom: 0 }}>
                      <Input.TextArea rows={5} maxLength={10000} />
                    </Form.Item>
                  </Card>
                ))}
                {fields.length < 50 && (
                  <Button icon={<PlusOutlined />} onClick={() => add({ title: '', body: '' })}>
                    {T.addPage}
                  </Button>
                )}
              </Flex>
            )}
          </Form.List>
        )}

        {kind === 'exam' && (
          <>
            <Form.List name="questions">
              {(fields, { add, remove }) => (
                <Flex vertical gap={8} style={{ marginBottom: 16 }}>
                  <Typography.Text strong>{T.questions}</Typography.Text>
                  {fields.map((f, i) => (
                    <Card
                      key={f.key}
                      size="small"
                      title={T.question(i + 1)}
                      extra={fields.length > 1 && <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={T.remove} />}
                    >
                      <Form.Item name={[f.name, 'type']} label={T.questionType}>
                        <Radio.Group
                          options={(['single', 'multiple', 'true_false'] as const).map((q) => ({ value: q, label: questionTypeText[q] }))}
                          onChange={() => form.setFieldValue(['questions', f.name, 'answer'], undefined)}
                        />
                      </Form.Item>
                      <Form.Item name={[f.name, 'text']} label={T.questionText} rules={[{ ...required, whitespace: true }]}>
                        <Input.TextArea rows={2} maxLength={1000} />
                      </Form.Item>
                      <Form.Item noStyle dependencies={[['questions', f.name, 'type'], ['questions', f.name, 'options']]}>
                        {() => {
                          const type = form.getFieldValue(['questions', f.name, 'type']) as QuestionType;
                          const opts = type === 'true_false' ? TRUE_FALSE : lines(form.getFieldValue(['questions', f.name, 'options']) as string | undefined);
                          const choices = opts.map((o, k) => ({ value: k, label: type === 'true_false' ? o : `${String.fromCharCode(65 + k)}. ${o}` }));
                          return (
                            <>
                              {type !== 'true_false' && (
                                <Form.Item name={[f.name, 'options']} label={T.options} rules={[required]}>
                                  <Input.TextArea rows={4} placeholder={T.optionsPlaceholder} />
                                </Form.Item>
                              )}
                              <Form.Item name={[f.name, 'answer']} label={T.answer} rules={[{ required: true, message: T.answerRequired }]} style={{ marginBottom: 0 }}>
                                {type === 'multiple' ? <Checkbox.Group options={choices} /> : <Radio.Group options={choices} />}
                              </Form.Item>
                            </>
                          );
                        }}
                      </Form.Item>
                    </Card>
                  ))}
                  {fields.length < 500 && (
                    <Button icon={<PlusOutlined />} onClick={() => add({ type: 'single', text: '' })}>
                      {T.addQuestion}
                    </Button>
                  )}
                </Flex>
              )}
            </Form.List>
            <Flex gap={8} wrap>
              {(
                [
                  ['questionCount', T.questionCount, 1, 200],
                  ['timeLimitMinutes', T.timeLimit, 1, 600],
                  ['passMark', T.passMark, 1, 100],
                  ['maxAttempts', T.maxAttempts, 1, 100],
                  ['retakeAfterHours', T.retakeAfter, 0, 8760],
                ] as const
              ).map(([name, label, min, max]) => (
                <Form.Item key={name} name={name} label={label} rules={[required]} style={{ flex: '1 1 140px' }}>
                  <InputNumber min={min} max={max} precision={0} style={{ width: '100%' }} />
                </Form.Item>
              ))}
            </Flex>
          </>
        )}

        <ProblemAlert
          failure={failure}
          description={
            problems.length ? (
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            ) : undefined
          }
        />
        <Flex gap={8}>
          <Button onClick={onClose} style={{ flex: 1 }}>
            {T.cancel}
          </Button>
          <Button type="primary" htmlType="submit" loading={busy} style={{ flex: 2 }} data-testid="training-publish-submit">
            {T.submit}
          </Button>
        </Flex>
      </Form>
    </Drawer>
  );
}

function RosterModal({ training, onClose, onChanged }: { training: TrainingSummary | null; onClose: () => void; onChanged: () => void }) {
  const roster = useLoad(() => (training ? trainingsApi.registrations(training.id) : Promise.resolve(null)), [training?.id]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const { message } = App.useApp();
  const close = () => {
    setChosen([]);
    setFailure(null);
    onClose();
  };
  const mark = async (attended: boolean) => {
    if (!training || chosen.length === 0) return;
    setBusy(true);
    setFailure(null);
    try {
      const r = await trainingsApi.attendance(training.id, chosen, attended);
      void message.success(T.attendanceSaved(r.updated));
      setChosen([]);
      roster.reload();
      onChanged();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };
  const items = roster.data?.items ?? [];
  return (
    <Modal open={!!training} title={training ? T.rosterTitle(training.title) : ''} onCancel={close} footer={null} destroyOnHidden>
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {T.selectHint}
      </Typography.Paragraph>
      {roster.error ? (
        <Alert type="error" showIcon title={errorTitle(roster.error)} />
      ) : (
        <Checkbox.Group value={chosen} onChange={(v) => setChosen(v as string[])} style={{ width: '100%' }}>
          <List
            loading={roster.loading}
            dataSource={items}
            style={{ width: '100%' }}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={T.rosterEmpty} /> }}
            renderItem={(r) => (
              <List.Item style={{ paddingInline: 0 }}>
                <Flex justify="space-between" gap={8} style={{ width: '100%' }} align="center">
                  <Checkbox value={r.accountId}>
                    {r.name}
                    {r.volunteerNumber && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {' '}
                        {r.volunteerNumber}
                      </Typography.Text>
                    )}
                  </Checkbox>
                  <Tag color={r.attended === true ? 'success' : r.attended === false ? 'default' : 'processing'} style={{ marginInlineEnd: 0 }}>
                    {r.attended === true ? T.attendedTag : r.attended === false ? T.absentTag : T.unrecorded}
                  </Tag>
                </Flex>
              </List.Item>
            )}
          />
        </Checkbox.Group>
      )}
      <ProblemAlert failure={failure} />
      <Flex gap={8} style={{ marginTop: 12 }}>
        <Button block disabled={!chosen.length} loading={busy} onClick={() => mark(false)}>
          {T.markAbsent}
        </Button>
        <Button block type="primary" disabled={!chosen.length} loading={busy} onClick={() => mark(true)}>
          {T.markAttended}
        </Button>
      </Flex>
    </Modal>
  );
}
