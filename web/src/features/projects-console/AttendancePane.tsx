import { QrcodeOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Flex, Form, Input, List, Modal, Row, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { errorTitle } from '../../api/client';
import { consoleApi, type AttendanceRow, type ProjectDetail, type Shift } from '../../api/projectsConsole';
import { useLoad } from '../../shared/useLoad';
import { chinaDate, chinaInstant, chinaTime, LoadError, shiftSpan, shortDateTime } from './common';
import { pc } from './text';

/** Checked out automatically and not yet corrected: the one kind of row the group must look at. */
const needsCheck = (r: AttendanceRow) => r.flagged && r.checkOutKind !== 'corrected';

const shiftLabel = (s: Shift) => `${chinaDate(s.startsAt)} ${shiftSpan(s.startsAt, s.endsAt)} · ${s.positionName}`;

/** 考勤: per shift, who checked in and out; a missing or automatic check-out corrected with a reason. */
export function AttendancePane({ project: p }: { project: ProjectDetail }) {
  const shifts = useLoad(() => consoleApi.shifts(p.id), [p.id]);
  const [chosen, setChosen] = useState<string | undefined>();
  const sorted = [...(shifts.data?.items ?? [])].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const shiftId = chosen ?? sorted[0]?.id;
  const shift = sorted.find((s) => s.id === shiftId);

  return (
    <div data-testid="attendance-pane">
      <LoadError error={shifts.error} onRetry={shifts.reload} />
      {shifts.data && sorted.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noShifts} />}
      {sorted.length > 0 && (
        <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
          <Select
            aria-label={pc.chooseShift}
            value={shiftId}
            onChange={setChosen}
            style={{ flex: '1 1 240px', minWidth: 0, maxWidth: 480 }}
            options={sorted.map((s) => ({ value: s.id, label: shiftLabel(s) }))}
            data-testid="attendance-shift"
          />
          {shift && (
            <Link to={`/console/projects/${p.id}/shifts/${shift.id}/qr`}>
              <Button type="primary" icon={<QrcodeOutlined />} data-testid="attendance-qr">
                {pc.showQr}
              </Button>
            </Link>
          )}
        </Flex>
      )}
      {shift && <ShiftAttendance shift={shift} />}
    </div>
  );
}

function ShiftAttendance({ shift }: { shift: Shift }) {
  const { message } = App.useApp();
  const [tick, setTick] = useState(0);
  const rows = useLoad(() => consoleApi.attendance(shift.id), [shift.id, tick]);
  const [correcting, setCorrecting] = useState<AttendanceRow | null>(null);
  const anyFlagged = (rows.data?.items ?? []).some(needsCheck);

  return (
    <>
      <LoadError error={rows.error} onRetry={rows.reload} />
      {anyFlagged && <Alert type="warning" showIcon title={pc.flaggedHint} style={{ marginBottom: 12 }} />}
      <List<AttendanceRow>
        loading={rows.loading}
        dataSource={rows.data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noAttendance} /> }}
        renderItem={(r) => (
          <Card
            size="small"
            style={{ marginBottom: 8, background: needsCheck(r) ? '#fffbe6' : undefined, borderColor: needsCheck(r) ? '#ffe58f' : undefined }}
            data-testid="attendance-row"
            data-name={r.name}
            data-flagged={needsCheck(r) ? 'true' : 'false'}
          >
            <Flex justify="space-between" align="center" wrap gap={8}>
              <Flex vertical style={{ minWidth: 0 }}>
                <Typography.Text strong>
                  {r.name} {needsCheck(r) && <Tag color="warning">{pc.flagged}</Tag>}
                  {r.checkOutKind === 'auto' && <Tag>{pc.autoCheckOut}</Tag>}
                  {r.correctionReason && <Tag color="blue">{pc.corrected}</Tag>}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {pc.checkedInAt}：{r.checkedInAt ? shortDateTime(r.checkedInAt) : pc.notCheckedIn} · {pc.checkedOutAt}：
                  {r.checkedOutAt ? shortDateTime(r.checkedOutAt) : r.checkedInAt ? pc.notCheckedOut : '—'}
                </Typography.Text>
                {r.correctionReason && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {pc.reason}：{r.correctionReason}
                  </Typography.Text>
                )}
              </Flex>
              {r.checkedInAt && (!r.checkedOutAt || needsCheck(r) || r.checkOutKind === 'auto') && (
                <Button size="small" onClick={() => setCorrecting(r)} data-testid="correct-checkout">
                  {pc.correct}
                </Button>
              )}
            </Flex>
          </Card>
        )}
      />
      <CorrectModal
        shift={shift}
        row={correcting}
        onClose={() => setCorrecting(null)}
        onDone={() => {
          setCorrecting(null);
          void message.success(pc.correctDone);
          setTick((t) => t + 1);
        }}
      />
    </>
  );
}

function CorrectModal({ shift, row, onClose, onDone }: { shift: Shift; row: AttendanceRow | null; onClose: () => void; onDone: () => void }) {
  const [form] = Form.useForm<{ date: string; time: string; reason: string }>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <Modal
      open={!!row}
      title={`${pc.correctTitle}${row ? ` · ${row.name}` : ''}`}
      onCancel={() => {
        setFailure(null);
        onClose();
      }}
      okText={pc.save}
      cancelText={pc.cancel}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ ...({ 'data-testid': 'correct-submit' } as object) }}
      onOk={async () => {
        if (!row) return;
        const v = await form.validateFields();
        setBusy(true);
        setFailure(null);
        try {
          await consoleApi.correctCheckOut(shift.id, row.accountId, { checkedOutAt: chinaInstant(v.date, v.time), reason: v.reason.trim() });
          onDone();
        } catch (err) {
          setFailure(errorTitle(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} data-testid="correct-problem" />}
      <Form form={form} layout="vertical" preserve={false} initialValues={{ date: chinaDate(shift.endsAt), time: chinaTime(shift.endsAt) }}>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="date" label={pc.correctDate} rules={[{ required: true, message: pc.timeRequired }]}>
              <Input type="date" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="time" label={pc.correctTime} rules={[{ required: true, message: pc.timeRequired }]}>
              <Input type="time" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="reason" label={pc.reason} rules={[{ required: true, whitespace: true, message: pc.reasonRequired }]}>
          <Input.TextArea rows={3} maxLength={500} placeholder={pc.reasonPlaceholder} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
