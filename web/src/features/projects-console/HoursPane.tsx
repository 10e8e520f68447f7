import { DeleteOutlined, DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Flex, Form, Grid, Input, InputNumber, List, Row, Segmented, Select, Table, Tabs, Tag, Typography } from 'antd';
import { useRef, useState } from 'react';
import { ApiError, errorTitle } from '../../api/client';
import { consoleApi, type Created, type HourRow, type ProjectDetail, type RecordStatus, type ServiceRecord, type UnrecordedAttendance } from '../../api/projectsConsole';
import { PageFooter } from '../../shared/PageFooter';
import { useLoad } from '../../shared/useLoad';
import { applyFieldProblems, chinaToday, LoadError, ReasonModal, rowProblems, StatusTag } from './common';
import { allEnrolled } from './ShiftsPane';
import { pc, recordStatusText } from './text';

const PAGE_SIZE = 20;
const COLUMNS: Record<string, string> = {
  volunteerId: pc.volunteer,
  positionId: pc.position,
  serviceDate: pc.serviceDate,
  startTime: pc.startTime,
  endTime: pc.endTime,
  hours: pc.hours,
  note: pc.note,
  attendanceIds: pc.tabAttendance,
};

type Section = 'records' | 'attendance' | 'manual' | 'import';

/** 服务时长: the project's records, and the three ways to add them (attendance, by hand, from a file). */
export function HoursPane({ project: p }: { project: ProjectDetail }) {
  const [section, setSection] = useState<Section>('records');
  const [tick, setTick] = useState(0);
  const created = () => {
    setTick((t) => t + 1);
    setSection('records');
  };
  return (
    <div data-testid="hours-pane">
      <Tabs
        size="small"
        type="card"
        activeKey={section}
        onChange={(k) => setSection(k as Section)}
        items={[
          { key: 'records', label: <span data-testid="hours-records-tab">{pc.recordsTitle}</span>, children: <RecordList project={p} tick={tick} /> },
          { key: 'attendance', label: <span data-testid="hours-attendance-tab">{pc.fromAttendanceTitle}</span>, children: <FromAttendance project={p} onCreated={created} /> },
          { key: 'manual', label: <span data-testid="hours-manual-tab">{pc.manualTitle}</span>, children: <ManualEntry project={p} onCreated={created} /> },
          { key: 'import', label: <span data-testid="hours-import-tab">{pc.importTitle}</span>, children: <ImportHours project={p} onCreated={created} /> },
        ]}
      />
    </div>
  );
}

/** The row report of a refused batch or file: (row, column, message). */
export function RowReport({ error, title }: { error: unknown; title: string }) {
  if (!error) return null;
  const rows = rowProblems(error, COLUMNS);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="row-report"
      title={rows.length ? title : errorTitle(error)}
      style={{ marginBottom: 12 }}
      description={
        rows.length ? (
          <Table
            size="small"
            rowKey="key"
            pagination={rows.length > 20 ? { pageSize: 20, size: 'small' } : false}
            dataSource={rows}
            scroll={{ x: 'max-content' }}
            columns={[
              { title: pc.row, dataIndex: 'row', key: 'row', width: 70, render: (r: number | null) => (r === null ? '—' : pc.rowN(r)) },
              { title: pc.column, dataIndex: 'column', key: 'column', width: 100 },
              { title: pc.message, dataIndex: 'message', key: 'message' },
            ]}
          />
        ) : undefined
      }
    />
  );
}

function RecordList({ project: p, tick }: { project: ProjectDetail; tick: number }) {
  const { message } = App.useApp();
  const desktop = !!Grid.useBreakpoint().md;
  const [status, setStatus] = useState<RecordStatus | 'all'>('all');
  const [page, setPage] = useState(1);
  const [own, setOwn] = useState(0);
  const list = useLoad(
    () => consoleApi.records(p.id, { status: status === 'all' ? undefined : status, page, pageSize: PAGE_SIZE }),
    [p.id, status, page, tick, own],
  );
  const [deleting, setDeleting] = useState<ServiceRecord | null>(null);
  const positionName = (id: string | null) => p.positions.find((x) => x.id === id)?.name ?? '—';

  const columns = [
    {
      title: pc.volunteer,
      key: 'who',
      render: (_: unknown, r: ServiceRecord) => (
        <span>
          {r.volunteerName}
          {r.volunteerNumber ? <Typography.Text type="secondary"> {r.volunteerNumber}</Typography.Text> : null}
        </span>
      ),
    },
    { title: pc.position, key: 'position', render: (_: unknown, r: ServiceRecord) => positionName(r.positionId) },
    { title: pc.serviceDate, dataIndex: 'serviceDate', key: 'date' },
    { title: `${pc.startTime}–${pc.endTime}`, key: 'span', render: (_: unknown, r: ServiceRecord) => `${r.startTime}–${r.endTime}` },
    { title: pc.hours, dataIndex: 'hours', key: 'hours', width: 90 },
    {
      title: pc.status,
      key: 'status',
      render: (_: unknown, r: ServiceRecord) => (
        <Flex vertical>
          <span>
            <StatusTag map={recordStatusText} status={r.status} />
          </span>
          {(r.ineffectiveReason || r.deletedReason) && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.deletedReason ?? r.ineffectiveReason}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: pc.actions,
      key: 'actions',
      width: 80,
      render: (_: unknown, r: ServiceRecord) =>
        r.status !== 'deleted' ? (
          <Button size="small" type="link" danger onClick={() => setDeleting(r)} data-testid="delete-record">
            {pc.deleteRecord}
          </Button>
        ) : null,
    },
  ];

  return (
    <div data-testid="record-list">
      <Segmented<RecordStatus | 'all'>
        aria-label={pc.recordStatus}
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        options={[
          { value: 'all', label: pc.allStatus },
          ...(Object.keys(recordStatusText) as RecordStatus[]).map((s) => ({ value: s, label: recordStatusText[s].label })),
        ]}
        style={{ marginBottom: 12 }}
      />
      <LoadError error={list.error} onRetry={list.reload} />
      {desktop ? (
        <Table<ServiceRecord>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          columns={columns}
          pagination={false}
          onRow={(r) => ({ 'data-testid': 'record', 'data-name': r.volunteerName, 'data-status': r.status }) as React.HTMLAttributes<HTMLElement>}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noRecords} /> }}
        />
      ) : (
        <List<ServiceRecord>
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noRecords} /> }}
          renderItem={(r) => (
            <Card size="small" style={{ marginBottom: 8 }} data-testid="record" data-name={r.volunteerName} data-status={r.status}>
              <Flex justify="space-between" align="center" gap={8}>
                <Flex vertical style={{ minWidth: 0 }}>
                  <Typography.Text strong>
                    {r.volunteerName} <StatusTag map={recordStatusText} status={r.status} />
                  </Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {r.serviceDate} {r.startTime}–{r.endTime} · {r.hours} {pc.hoursUnit}
                  </Typography.Text>
                  {(r.ineffectiveReason || r.deletedReason) && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {r.deletedReason ?? r.ineffectiveReason}
                    </Typography.Text>
                  )}
                </Flex>
                {r.status !== 'deleted' && (
                  <Button size="small" danger onClick={() => setDeleting(r)}>
                    {pc.deleteRecord}
                  </Button>
                )}
              </Flex>
            </Card>
          )}
        />
      )}
      <PageFooter total={list.data?.total} page={page} pageSize={PAGE_SIZE} onChange={setPage} simple={!desktop} showSizeChanger={false} />
      <ReasonModal
        open={!!deleting}
        title={pc.deleteTitle}
        okText={pc.deleteRecord}
        danger
        onCancel={() => setDeleting(null)}
        onSubmit={async (reason) => {
          if (!deleting) return;
          await consoleApi.deleteRecord(deleting.id, reason);
          void message.success(pc.deleted);
          setDeleting(null);
          setOwn((t) => t + 1);
        }}
      />
    </div>
  );
}

function FromAttendance({ project: p, onCreated }: { project: ProjectDetail; onCreated: () => void }) {
  const { message } = App.useApp();
  const list = useLoad(() => consoleApi.unrecorded(p.id, {}), [p.id]);
  const [selected, setSelected] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const res = await consoleApi.fromAttendance(p.id, selected);
      void message.success(pc.createdN(res.created));
      setSelected([]);
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="from-attendance">
      <Typography.Paragraph type="secondary">{pc.fromAttendanceHint}</Typography.Paragraph>
      <LoadError error={list.error} onRetry={list.reload} />
      <RowReport error={error} title={pc.rowsRefused} />
      <Table<UnrecordedAttendance>
        rowKey="attendanceId"
        size="small"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
        rowClassName={(r) => (r.flagged ? 'zy-flagged' : '')}
        onRow={(r) => ({ style: r.flagged ? { background: '#fffbe6' } : undefined, 'data-testid': 'unrecorded' }) as React.HTMLAttributes<HTMLElement>}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={pc.noUnrecorded} /> }}
        columns={[
          { title: pc.volunteer, dataIndex: 'volunteerName', key: 'name' },
          { title: pc.serviceDate, dataIndex: 'serviceDate', key: 'date' },
          { title: `${pc.startTime}–${pc.endTime}`, key: 'span', render: (_: unknown, r) => `${r.startTime}–${r.endTime}` },
          { title: pc.hours, dataIndex: 'hours', key: 'hours' },
          { title: '', key: 'flag', render: (_: unknown, r) => (r.flagged ? <Tag color="warning">{pc.flagged}</Tag> : null) },
        ]}
      />
      <Button type="primary" disabled={selected.length === 0} loading={busy} onClick={submit} style={{ marginTop: 12 }} data-testid="from-attendance-submit">
        {pc.fromAttendanceSubmit(selected.length)}
      </Button>
    </div>
  );
}

interface ManualRow {
  volunteerId?: string;
  serviceDate?: string;
  startTime?: string;
  endTime?: string;
  hours?: number;
  note?: string;
}

/** Hours between HH:MM times; an end before the start is on the next day. */
function span(start?: string, end?: string): number | undefined {
  if (!start || !end || !/^\d{2}:\d{2}$/.test(start) || !/^\d{2}:\d{2}$/.test(end)) return undefined;
  const [sh, sm] = start.split(':').map(Number) as [number, number];
  const [eh, em] = end.split(':').map(Number) as [number, number];
  let minutes = eh * 60 + em - (sh * 60 + sm);
  if (minutes <= 0) minutes += 24 * 60;
  return Math.round((minutes / 60) * 100) / 100;
}

function ManualEntry({ project: p, onCreated }: { project: ProjectDetail; onCreated: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ records: ManualRow[] }>();
  const enrolled = useLoad(() => allEnrolled(p.id), [p.id]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const rows = Form.useWatch('records', form) ?? [];
  const today = chinaToday();
  const lastDay = p.endDate < today ? p.endDate : today;
  const blank = (): ManualRow => ({ serviceDate: lastDay >= p.startDate ? lastDay : p.startDate, startTime: '09:00', endTime: '12:00', hours: 3 });

  const submit = async (v: { records: ManualRow[] }) => {
    setBusy(true);
    setError(null);
    try {
      const records: HourRow[] = v.records.map((r) => ({
        volunteerId: r.volunteerId ?? '',
        serviceDate: r.serviceDate ?? '',
        startTime: r.startTime ?? '',
        endTime: r.endTime ?? '',
        hours: Number(r.hours ?? 0),
        ...(r.note?.trim() ? { note: r.note.trim() } : {}),
      }));
      const res: Created = await consoleApi.recordHours(p.id, records);
      void message.success(pc.createdN(res.created));
      form.setFieldsValue({ records: [blank()] });
      onCreated();
    } catch (err) {
      applyFieldProblems(form, err, ['records']);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="manual-entry">
      <Typography.Paragraph type="secondary">{pc.manualHint}</Typography.Paragraph>
      <LoadError error={enrolled.error} onRetry={enrolled.reload} />
      <RowReport error={error} title={pc.rowsRefused} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ records: [blank()] }}
        onFinish={submit}
        onValuesChange={(changed: { records?: (ManualRow | undefined)[] }) => {
          // Filling the times fills the hours with their span (the organiser can lower it).
          changed.records?.forEach((c, i) => {
            if (!c || (c.startTime === undefined && c.endTime === undefined)) return;
            const row = form.getFieldValue(['records', i]) as ManualRow;
            const h = span(row.startTime, row.endTime);
            if (h !== undefined) form.setFieldValue(['records', i, 'hours'], h);
          });
        }}
      >
        <Form.List name="records">
          {(fields, { add, remove }) => (
            <Flex vertical gap={8}>
              {fields.map((field, index) => (
                <Card
                  key={field.key}
                  size="small"
                  data-testid="hour-row"
                  title={pc.rowN(index + 1)}
                  extra={
                    fields.length > 1 ? (
                      <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={pc.removeRow} />
                    ) : undefined
                  }
                >
                  <Row gutter={8}>
                    <Col xs={24} md={6}>
                      <Form.Item name={[field.name, 'volunteerId']} label={pc.volunteer} rules={[{ required: true, message: pc.unknownVolunteer }]}>
                        <Select
                          showSearch={{ optionFilterProp: 'label' }}
                          loading={enrolled.loading}
                          placeholder={pc.unknownVolunteer}
                          options={(enrolled.data ?? []).map((e) => ({
                            value: e.accountId,
                            label: `${e.name}${e.volunteerNumber ? ` ${e.volunteerNumber}` : ''} · ${e.positionName}`,
                          }))}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={24} sm={12} md={5}>
                      <Form.Item name={[field.name, 'serviceDate']} label={pc.serviceDate} rules={[{ required: true, message: pc.timeRequired }]}>
                        <Input type="date" />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={6} md={3}>
                      <Form.Item name={[field.name, 'startTime']} label={pc.startTime} rules={[{ required: true, message: pc.timeRequired }]}>
                        <Input type="time" />
                      </Form.Item>
                    </Col>
                    <Col xs={12} sm={6} md={3}>
                      <Form.Item name={[field.name, 'endTime']} label={pc.endTime} rules={[{ required: true, message: pc.timeRequired }]}>
                        <Input type="time" />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={3}>
                      <Form.Item name={[field.name, 'hours']} label={pc.hours} rules={[{ required: true, message: pc.timeRequired }]}>
                        <InputNumber min={0.01} max={24} step={0.5} precision={2} style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={4}>
                      <Form.Item name={[field.name, 'note']} label={pc.note}>
                        <Input maxLength={500} />
                      </Form.Item>
                    </Col>
                  </Row>
                </Card>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(blank())} block data-testid="add-hour-row">
                {pc.addRow}
              </Button>
            </Flex>
          )}
        </Form.List>
        <Button type="primary" htmlType="submit" loading={busy} style={{ marginTop: 12 }} data-testid="hours-submit">
          {pc.submitRows(rows.length)}
        </Button>
      </Form>
    </div>
  );
}

function ImportHours({ project: p, onCreated }: { project: ProjectDetail; onCreated: () => void }) {
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [checked, setChecked] = useState<number | null>(null);
  const [busy, setBusy] = useState<'check' | 'import' | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(dryRun ? 'check' : 'import');
    setError(null);
    try {
      const res = await consoleApi.importHours(p.id, file, dryRun);
      if (dryRun) {
        const body = res.body as { ok?: boolean; rows?: number };
        setChecked(body?.rows ?? 0);
      } else {
        const body = res.body as Created;
        void message.success(pc.createdN(body?.created ?? 0));
        setFile(null);
        setChecked(null);
        onCreated();
      }
    } catch (err) {
      setChecked(null);
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div data-testid="import-hours">
      <Typography.Paragraph type="secondary">{pc.importHint}</Typography.Paragraph>
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Button icon={<DownloadOutlined />} href={consoleApi.templateUrl(p.id)} data-testid="hours-template">
          {pc.downloadTemplate}
        </Button>
        <Button icon={<UploadOutlined />} onClick={() => input.current?.click()}>
          {pc.chooseFile}
        </Button>
        <input
          ref={input}
          type="file"
          accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
          aria-label={pc.chooseFile}
          style={{ display: 'none' }}
          data-testid="hours-file"
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            e.target.value = '';
            setFile(f);
            setChecked(null);
            setError(null);
          }}
        />
      </Flex>
      {file && (
        <Typography.Paragraph>
          <Typography.Text code>{file.name}</Typography.Text>
        </Typography.Paragraph>
      )}
      {error instanceof ApiError && error.status === 422 ? (
        <RowReport error={error} title={pc.importRefused} />
      ) : (
        !!error && <Alert type="error" showIcon role="alert" title={errorTitle(error)} style={{ marginBottom: 12 }} data-testid="problem" />
      )}
      {checked !== null && <Alert type="success" showIcon title={pc.checkOk(checked)} style={{ marginBottom: 12 }} data-testid="import-checked" />}
      <Flex gap={8} wrap>
        <Button disabled={!file} loading={busy === 'check'} onClick={() => run(true)} data-testid="hours-check">
          {pc.check}
        </Button>
        <Button type="primary" disabled={!file || checked === null} loading={busy === 'import'} onClick={() => run(false)} data-testid="hours-import">
          {pc.importNow}
        </Button>
      </Flex>
    </div>
  );
}
