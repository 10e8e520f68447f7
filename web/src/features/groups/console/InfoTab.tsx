import { EditOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Col, Descriptions, Flex, Form, Input, Row, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { getServiceCategories } from '../../../api/endpoints';
import { groupsApi, type GroupPatch } from '../../../api/groups';
import { isValidResidentId } from '../../../shared/idNumber';
import { ProblemAlert, toFailure, type Failure } from '../../../shared/ProblemAlert';
import { applyProblemToForm } from '../../../shared/problemToForm';
import { commonText } from '../../../shared/text';
import { useLoad } from '../../../shared/useLoad';
import { formatDate, MAINLAND_MOBILE, SmsCodeField, useCategoryNames } from '../common';
import type { ConsoleGroup } from '../consoleGroup';
import { groupStatusText, groupText, groupTypeText } from '../text';

interface EditForm {
  introduction: string;
  serviceCategories: string[];
  email: string;
  contactName: string;
  contactPhone?: string;
  contactSmsCode?: string;
  leaderName: string;
  leaderIdNumber?: string;
  exemptPassword?: string;
  clearExempt?: boolean;
}

export function InfoTab({ group, onChanged }: { group: ConsoleGroup; onChanged: () => void }) {
  const g = group.detail;
  const [editing, setEditing] = useState(false);
  const categoryNames = useCategoryNames();
  const review = g.review;

  if (editing) return <EditGroup group={group} onDone={() => { setEditing(false); onChanged(); }} onCancel={() => setEditing(false)} />;
  return (
    <Flex vertical gap={12}>
      <Flex justify="end">
        <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="group-edit">
          {groupText.edit}
        </Button>
      </Flex>
      <Descriptions
        bordered
        size="small"
        column={{ xs: 1, sm: 1, md: 2 }}
        items={[
          { key: 'name', label: groupText.name, children: g.name },
          { key: 'id', label: groupText.groupId, children: <Typography.Text copyable style={{ wordBreak: 'break-all' }}>{g.id}</Typography.Text> },
          { key: 'type', label: groupText.type, children: groupTypeText[g.type] ?? g.type },
          ...(g.creditCode ? [{ key: 'credit', label: groupText.creditCode, children: g.creditCode }] : []),
          { key: 'status', label: groupText.status, children: <Tag color={groupStatusText[g.status].color} data-testid="group-status" data-status={g.status}>{groupStatusText[g.status].label}</Tag> },
          { key: 'region', label: groupText.region, children: g.regionName ?? g.regionCode },
          { key: 'categories', label: groupText.categories, children: categoryNames(g.serviceCategories) },
          { key: 'leader', label: groupText.leaderName, children: `${g.leaderName ?? '—'} ${g.leaderIdNumber ?? ''}` },
          { key: 'contact', label: groupText.contactName, children: `${g.contactName ?? '—'} ${g.contactPhone ?? ''}` },
          { key: 'email', label: groupText.email, children: g.email ?? '—' },
          { key: 'exempt', label: groupText.exemptPassword, children: g.hasExemptPassword ? groupText.exemptSet : groupText.exemptUnset },
          { key: 'members', label: groupText.memberCount, children: g.memberCount },
          { key: 'created', label: groupText.createdAt, children: formatDate(g.createdAt) },
          ...(review?.reason ? [{ key: 'review', label: groupText.rejectReason, children: review.reason }] : []),
          { key: 'intro', label: groupText.introduction, span: 'filled' as const, children: <span style={{ whiteSpace: 'pre-wrap' }}>{g.introduction || '—'}</span> },
        ]}
      />
    </Flex>
  );
}

function EditGroup({ group, onDone, onCancel }: { group: ConsoleGroup; onDone: () => void; onCancel: () => void }) {
  const g = group.detail;
  const { message } = App.useApp();
  const [form] = Form.useForm<EditForm>();
  const categories = useLoad(getServiceCategories, []);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [saving, setSaving] = useState(false);
  const newPhone = Form.useWatch('contactPhone', form);
  const clearExempt = Form.useWatch('clearExempt', form);
  const half = { xs: 24, md: 12 } as const;

  const onFinish = async (v: EditForm) => {
    setSaving(true);
    setFailure(null);
    const body: GroupPatch = {};
    if (v.introduction !== (g.introduction ?? '')) body.introduction = v.introduction;
    if (JSON.stringify(v.serviceCategories) !== JSON.stringify(g.serviceCategories)) body.serviceCategories = v.serviceCategories;
    if (v.email.trim() !== (g.email ?? '')) body.email = v.email.trim();
    if (v.contactName.trim() !== (g.contactName ?? '')) body.contactName = v.contactName.trim();
    if (v.contactPhone?.trim()) {
      body.contactPhone = v.contactPhone.trim();
      body.contactSmsCode = v.contactSmsCode?.trim();
    }
    if (v.leaderName.trim() !== (g.leaderName ?? '')) body.leaderName = v.leaderName.trim();
    if (v.leaderIdNumber?.trim()) body.leaderIdNumber = v.leaderIdNumber.trim().toUpperCase();
    if (v.clearExempt) body.exemptPassword = null;
    else if (v.exemptPassword?.trim()) body.exemptPassword = v.exemptPassword.trim();
    try {
      if (Object.keys(body).length) await groupsApi.update(g.id, body);
      void message.success(groupText.saved);
      onDone();
    } catch (err) {
      applyProblemToForm(form, err, {
        fields: ['introduction', 'serviceCategories', 'email', 'contactName', 'contactPhone', 'contactSmsCode', 'leaderName', 'leaderIdNumber', 'exemptPassword'],
        codeFields: { SMS_CODE_INVALID: 'contactSmsCode', SMS_CODE_REQUIRED: 'contactSmsCode' },
      });
      setFailure(toFailure(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form<EditForm>
      form={form}
      layout="vertical"
      onFinish={onFinish}
      initialValues={{
        introduction: g.introduction ?? '',
        serviceCategories: g.serviceCategories,
        email: g.email ?? '',
        contactName: g.contactName ?? '',
        leaderName: g.leaderName ?? '',
      }}
      data-testid="group-edit-form"
    >
      <Form.Item name="introduction" label={groupText.introduction}>
        <Input.TextArea rows={4} maxLength={2000} showCount />
      </Form.Item>
      <Row gutter={16}>
        <Col {...half}>
          <Form.Item name="serviceCategories" label={groupText.categories} rules={[{ required: true, type: 'array', min: 1, message: groupText.categoriesRequired }]}>
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="email" label={groupText.email} rules={[{ required: true, whitespace: true, message: groupText.emailRequired }, { type: 'email', message: commonText.emailInvalid }]}>
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="leaderName" label={groupText.leaderName} rules={[{ required: true, whitespace: true, message: groupText.leaderNameRequired }]}>
            <Input maxLength={50} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item
            name="leaderIdNumber"
            label={groupText.leaderIdNumber}
            extra={`${g.leaderIdNumber ?? ''} ${groupText.leaderIdKeep}`}
            rules={[{ validator: (_, v: string | undefined) => (!v?.trim() || isValidResidentId(v) ? Promise.resolve() : Promise.reject(new Error(groupText.leaderIdInvalid))) }]}
          >
            <Input maxLength={18} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item name="contactName" label={groupText.contactName} rules={[{ required: true, whitespace: true, message: groupText.contactNameRequired }]}>
            <Input maxLength={50} />
          </Form.Item>
        </Col>
        <Col {...half}>
          <Form.Item
            name="contactPhone"
            label={groupText.contactPhone}
            extra={`${g.contactPhone ?? ''} ${groupText.leaderIdKeep}；${groupText.phoneChangeHint}`}
            rules={[{ pattern: MAINLAND_MOBILE, message: commonText.phoneInvalid }]}
          >
            <Input inputMode="tel" maxLength={11} />
          </Form.Item>
        </Col>
        {newPhone?.trim() && (
          <Col {...half}>
            <SmsCodeField form={form} phoneField="contactPhone" codeField="contactSmsCode" purpose="contact" />
          </Col>
        )}
        <Col {...half}>
          <Form.Item name="exemptPassword" label={groupText.exemptNew} extra={`${g.hasExemptPassword ? groupText.exemptSet : groupText.exemptUnset}；${groupText.leaderIdKeep}`}>
            <Input.Password autoComplete="off" maxLength={32} disabled={!!clearExempt} />
          </Form.Item>
          {g.hasExemptPassword && (
            <Form.Item name="clearExempt" valuePropName="checked" style={{ marginTop: -12 }}>
              <Checkbox>{groupText.exemptClear}</Checkbox>
            </Form.Item>
          )}
        </Col>
      </Row>
      <ProblemAlert failure={failure} />
      <Flex gap={8} justify="end">
        <Button onClick={onCancel}>{groupText.cancel}</Button>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="group-save">
          {groupText.save}
        </Button>
      </Flex>
    </Form>
  );
}
