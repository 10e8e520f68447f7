import { App, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { groupsApi } from '../../api/groups';
import { Page } from '../../shared/Page';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { MAINLAND_MOBILE, SmsCodeField } from './common';
import { groupText } from './text';

interface ContactForm {
  username: string;
  contactPhone: string;
  smsCode: string;
}

/** /groups/contact-verification: a group refused sign-in with CONTACT_UNVERIFIED confirms its contact phone (seed 000 §二). */
export function ContactVerifyPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<ContactForm>();
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  const onFinish = async (v: ContactForm) => {
    setBusy(true);
    setFailure(null);
    try {
      await groupsApi.confirmContact({ username: v.username.trim(), contactPhone: v.contactPhone.trim(), smsCode: v.smsCode.trim() });
      void message.success(groupText.contactDone);
      navigate(`/login?${new URLSearchParams({ as: 'group', username: v.username.trim() }).toString()}`, { replace: true });
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={groupText.contactTitle} width="narrow">
      <Typography.Paragraph type="secondary">{groupText.contactIntro}</Typography.Paragraph>
      <Form<ContactForm> form={form} layout="vertical" size="large" onFinish={onFinish} initialValues={{ username: params.get('username') ?? '' }}>
        <Form.Item name="username" label={groupText.username} rules={[{ required: true, whitespace: true, message: commonText.required(groupText.username) }]}>
          <Input autoComplete="username" maxLength={64} />
        </Form.Item>
        <Form.Item
          name="contactPhone"
          label={groupText.contactPhone}
          rules={[
            { required: true, whitespace: true, message: groupText.contactPhoneRequired },
            { pattern: MAINLAND_MOBILE, message: commonText.phoneInvalid },
          ]}
        >
          <Input inputMode="tel" maxLength={11} />
        </Form.Item>
        <SmsCodeField form={form} phoneField="contactPhone" codeField="smsCode" purpose="contact" />
        <ProblemAlert failure={failure} />
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="contact-verify-submit">
          {groupText.contactSubmit}
        </Button>
        <div style={{ marginTop: 12 }}>
          <Link to="/login?as=group">{groupText.toLogin}</Link>
        </div>
      </Form>
    </Page>
  );
}
