import { PlusOutlined, QrcodeOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Flex, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { errorTitle } from '../../api/client';
import { consoleApi, type Enrollment, type ProjectDetail, type Shift } from '../../api/projectsConsole';
import { useLoad } from '../../shared/useLoad';
import { applyFieldProblems, chinaDate, chinaInstant, LoadError, shiftSpan } from './common';
import { pc } from './text';

/** Every enrolled volunteer of a project (the list is paged by 100). */
export async function allEnrolled(projectId: string): Promise<Enrollment[]> {
  const out: Enrollment[] = [];
  for (let page = 1; page <= 50; page++) {
    const res = await consoleApi.enrollments(projectId, { status: 'enrolled', page, pageSize: 100 });
    out.push(...res.items);
    if (out.length >= res.total || res.items.length === 0) break;
  }
  return out;
}

/** Shifts grouped by China day, each day's in start order. */
export function byDay(shifts: Shift[]): [string, Shift[]][] {
  const days = new Map<string, Shift[]>();
  for (const s of [...shifts].sort((a, b) => a.startsAt.localeCompare(b.startsAt))) {
    const day = chinaDate(s.startsAt);
    days.set(day, [...(days.get(day) ?? []), s]);
  }
  return [...days];
}

/** 排班: the shift board — shifts per day and position, who is on each, adding shifts and people. */
export function ShiftsPane({ project: p }: { project: ProjectDetail }) {
  const [tick, setTick] = useState(0);
  const shifts = useLoad(() => consoleApi.shifts(p.id), [p.id, tick]);
  const enrolled = useLoad(() => allEnrolled(p.id), [p.id]);
  const [creating, setCreating] = useState(false);
  const [positionFilter, setPositionFilter] = useState('');
  const list = (shifts.data?.items ?? []).filter((s) => !positionFilter || s.positionId === positionFilter);
  const days = useMemo(() => byDay(list), [list]);

  return (
    <div data-testid="shifts-pane">
      <Flex gap={8} wrap align="center" justify="space-between" style={{ marginBottom: 12 }}>
        <Select
          aria-label={pc.position}
          value={positionFilter}
          onChange={setPositionFilter}
          style={{ minWidth: 140 }}
          options={[{ value: '', label: pc.allPositions }, ...p.positions.map((pos) => ({ value: pos.id, label: pos.name }))]}
        />
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="add-shift">
          {pc.addShift}
        </Button>
      </Flex>
      <LoadError error={shifts.error} onRetry={shifts.reload} />
      <LoadError error={enrolled.error} onRetry={enrolled.reload} />
      {shifts.data && days.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noShifts} />}
      <Flex vertical gap={16}>
        {days.map(([day, items]) => (
          <div key={day} data-testid="shift-day" data-day={day}>
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              {day}
            </Typography.Title>
            <Row gutter={[12, 12]}>
              {items.map((s) => (
                <Col key={s.id} xs={24} md={12} lg={8}>
                  <ShiftCard
                    projectId={p.id}
                    shift={s}
                    enrolled={(enrolled.data ?? []).filter((e) => e.positionId === s.positionId)}
                    onChanged={() => setTick((t) => t + 1)}
                  />
                </Col>
              ))}
            </Row>
          </div>
        ))}
      </Flex>
      <CreateShiftModal
        open={creating}
        project={p}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          setTick((t) => t + 1);
        }}
      />
    </div>
  );
}

function ShiftCard({ projectId, shift: s, enrolled, onChanged }: { projectId: string; shift: Shift; enrolled: Enrollment[]; onChanged: () => void }) {
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const people = useLoad(() => consoleApi.attendance(s.id), [s.id, tick]);
  const [pick, setPick] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const onShift = new Set((people.data?.items ?? []).map((a) => a.accountId));
  const candidates = enrolled.filter((e) => !onShift.has(e.accountId));
  const full = s.assigned >= s.capacity;

  const changed = () => {
    setTick((t) => t + 1);
    onChanged();
  };

  const assign = async () => {
    if (!pick) return;
    setBusy(true);
    setFailure(null);
    try {
      await consoleApi.assign(s.id, pick);
      setPick(undefined);
      void message.success(pc.assignDone);
      changed();
    } catch (err) {
      setFailure(errorTitle(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (accountId: string) => {
    setFailure(null);
    try {
      await consoleApi.unassign(s.id, accountId);
      void message.success(pc.unassigned);
      changed();
    } catch (err) {
      setFailure(errorTitle(err));
    }
  };

  return (
    <Card
      size="small"
      data-testid="shift"
      data-shift-id={s.id}
      data-position={s.positionName}
      title={
        <Flex gap={8} align="center" wrap>
          <span>{shiftSpan(s.startsAt, s.endsAt)}</span>
          <Tag>{s.positionName}</Tag>
        </Flex>
      }
      extra={
        <Tag color={full ? 'red' : 'green'} data-testid="shift-count">
          {pc.assigned(s.assigned, s.capacity)}
        </Tag>
      }
    >
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 8 }} data-testid="problem" />}
      <LoadError error={people.error} onRetry={people.reload} />
      <Flex vertical gap={4} style={{ marginBottom: 8 }}>
        {(people.data?.items ?? []).length === 0 && !people.loading && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {pc.noAssigned}
          </Typography.Text>
        )}
        {(people.data?.items ?? []).map((a) => (
          <Flex key={a.accountId} justify="space-between" align="center" data-testid="shift-person" data-name={a.name}>
            <Typography.Text>{a.name}</Typography.Text>
            {!a.checkedInAt && (
              <Popconfirm title={`${pc.unassign} ${a.name}？`} onConfirm={() => remove(a.accountId)} okText={pc.unassign} cancelText={pc.cancel}>
                <Button size="small" type="link" danger>
                  {pc.unassign}
                </Button>
              </Popconfirm>
            )}
          </Flex>
        ))}
      </Flex>
      <Flex gap={8}>
        <Select
          aria-label={pc.assign}
          placeholder={enrolled.length ? pc.assignPick : pc.noEnrolled}
          value={pick}
          onChange={setPick}
          disabled={full || candidates.length === 0}
          showSearch={{ optionFilterProp: 'label' }}
          style={{ flex: 1, minWidth: 0 }}
          options={candidates.map((e) => ({ value: e.accountId, label: `${e.name}${e.volunteerNumber ? ` ${e.volunteerNumber}` : ''}` }))}
          data-testid="assign-select"
        />
        <Button onClick={assign} disabled={!pick || full} loading={busy} data-testid="assign-submit">
          {full ? pc.shiftFull : pc.assign}
        </Button>
      </Flex>
      <Link to={`/console/projects/${projectId}/shifts/${s.id}/qr`} style={{ display: 'inline-block', marginTop: 8 }}>
        <Button size="small" icon={<QrcodeOutlined />} data-testid="open-qr">
          {pc.showQr}
        </Button>
      </Link>
    </Card>
  );
}

interface ShiftForm {
  positionId: string;
  date: string;
  start: string;
  end: string;
  capacity: number;
}

function CreateShiftModal({ open, project: p, onClose, onCreated }: { open: boolean; project: ProjectDetail; onClose: () => void; onCreated: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ShiftForm>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const submit = async () => {
    const v = await form.validateFields();
    const startsAt = chinaInstant(v.date, v.start);
    let endsAt = chinaInstant(v.date, v.end);
    // An end at or before the start is on the next day (a night shift).
    if (endsAt <= startsAt) endsAt = new Date(Date.parse(endsAt) + 86_400_000).toISOString();
    setBusy(true);
    setFailure(null);
    try {
      await consoleApi.createShift(p.id, { positionId: v.positionId, startsAt, endsAt, capacity: Number(v.capacity) });
      void message.success(pc.shiftCreated);
      form.resetFields();
      onCreated();
    } catch (err) {
      applyFieldProblems(form, err, ['positionId', 'date', 'start', 'end', 'capacity'], { startsAt: 'start', endsAt: 'end' });
      setFailure(errorTitle(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={pc.addShift}
      onCancel={onClose}
      onOk={submit}
      okText={pc.addShift}
      cancelText={pc.cancel}
      confirmLoading={busy}
      okButtonProps={{ ...({ 'data-testid': 'shift-submit' } as object) }}
    >
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} data-testid="shift-problem" />}
      <Form<ShiftForm>
        form={form}
        layout="vertical"
        initialValues={{ positionId: p.positions[0]?.id, date: p.startDate, start: '09:00', end: '12:00', capacity: p.positions[0]?.quota ?? 1 }}
      >
        <Form.Item name="positionId" label={pc.position} rules={[{ required: true }]}>
          <Select options={p.positions.map((pos) => ({ value: pos.id, label: pos.name }))} />
        </Form.Item>
        <Form.Item name="date" label={pc.shiftDate} rules={[{ required: true, message: pc.timeRequired }]}>
          <Input type="date" min={p.startDate} max={p.endDate} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="start" label={pc.shiftStart} rules={[{ required: true, message: pc.timeRequired }]}>
              <Input type="time" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="end" label={pc.shiftEnd} rules={[{ required: true, message: pc.timeRequired }]}>
              <Input type="time" />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -12 }}>
          {pc.shiftEndHint}
        </Typography.Paragraph>
        <Form.Item name="capacity" label={pc.capacity} rules={[{ required: true }]}>
          <InputNumber min={1} max={10000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
