import { Button, Flex, Form, Input, Radio, Result, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { recoverUsername } from '../../api/endpoints';
import { getLastSite } from '../../shared/lastSite';
import { applyProblemToForm } from '../../shared/problemToForm';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { recoverText } from './text';

interface UsernameForm {
  accountType: 'volunteer' | 'group';
  name?: string;
  idNumber?: string;
  phone?: string;
  groupName?: string;
  leaderName?: string;
  leaderIdNumber?: string;
}

const FIELDS = ['name', 'idNumber', 'phone', 'groupName', 'leaderName', 'leaderIdNumber'] as const;

const trim = (v: string | undefined) => (v ?? '').trim();

/** 找回用户名 (seed 002 §2.1.3): the account's identity in, the username out. */
export function RecoverUsername({ onResetPassword }: { onResetPassword: (username: string) => void }) {
  const [form] = Form.useForm<UsernameForm>();
  const accountType = Form.useWatch('accountType', form) ?? 'volunteer';
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [wait, setWait] = useState(0);
  const [found, setFound] = useState<string | null>(null);

  const onFinish = async (v: UsernameForm) => {
    setSubmitting(true);
    setFailure(null);
    try {
      const { username } = await recoverUsername(
        v.accountType === 'group'
          ? { accountType: 'group', groupName: trim(v.groupName), leaderName: trim(v.leaderName), leaderIdNumber: trim(v.leaderIdNumber).toUpperCase() }
          : { accountType: 'volunteer', name: trim(v.name), idNumber: trim(v.idNumber).toUpperCase(), phone: trim(v.phone) },
      );
      setFound(username);
    } catch (err) {
      applyProblemToForm(form, err, { fields: FIELDS });
      setFailure(toFailure(err));
    } finally {
      setSubmitting(false);
    }
  };

  if (found) {
    const site = getLastSite();
    const loginUrl = `/login?${new URLSearchParams({ ...(site ? { site } : {}), username: found }).toString()}`;
    return (
      <Result
        status="success"
        title={recoverText.foundTitle}
        style={{ paddingInline: 0 }}
        subTitle={
          <Flex vertical gap={8} align="center">
            <span>{recoverText.yourUsername}</span>
            <Typography.Text
              copyable
              strong
              data-testid="recovered-username"
              style={{ fontSize: 24, wordBreak: 'break-all', color: '#1f1f1f' }}
            >
              {found}
            </Typography.Text>
            <Typography.Text type="warning">{commonText.screenshotHint}</Typography.Text>
          </Flex>
        }
        extra={
          <Flex vertical gap={8} style={{ maxWidth: 320, margin: '0 auto' }}>
            <Link to={loginUrl}>
              <Button type="primary" size="large" block>
                {recoverText.toLogin}
              </Button>
            </Link>
            <Button block onClick={() => onResetPassword(found)}>
              {recoverText.resetPasswordToo}
            </Button>
            <Button type="link" onClick={() => setFound(null)}>
              {recoverText.searchAgain}
            </Button>
          </Flex>
        }
      />
    );
  }

  return (
    <Form<UsernameForm>
      form={form}
      name="recover-username"
      layout="vertical"
      size="large"
      requiredMark={false}
      initialValues={{ accountType: 'volunteer' }}
      onFinish={onFinish}
      onValuesChange={(changed) => {
        if ('accountType' in changed) setFailure(null);
      }}
      autoComplete="off"
    >
      <Form.Item name="accountType" label={recoverText.accountType}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={[
            { value: 'volunteer', label: recoverText.volunteer },
            { value: 'group', label: recoverText.group },
          ]}
        />
      </Form.Item>
      {accountType === 'volunteer' ? (
        <>
          <Form.Item name="name" label={recoverText.name} rules={[{ required: true, whitespace: true, message: recoverText.nameRequired }]}>
            <Input placeholder={recoverText.namePlaceholder} autoComplete="name" maxLength={50} />
          </Form.Item>
          <Form.Item
            name="idNumber"
            label={recoverText.idNumber}
            rules={[{ required: true, whitespace: true, message: recoverText.idNumberRequired }]}
          >
            <Input placeholder={recoverText.idNumberPlaceholder} maxLength={32} />
          </Form.Item>
          <Form.Item name="phone" label={recoverText.phone} rules={[{ required: true, whitespace: true, message: recoverText.phoneRequired }]}>
            <Input placeholder={recoverText.phonePlaceholder} inputMode="tel" autoComplete="tel" maxLength={20} />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item
            name="groupName"
            label={recoverText.groupName}
            rules={[{ required: true, whitespace: true, message: recoverText.groupNameRequired }]}
          >
            <Input placeholder={recoverText.groupNamePlaceholder} maxLength={100} />
          </Form.Item>
          <Form.Item
            name="leaderName"
            label={recoverText.leaderName}
            rules={[{ required: true, whitespace: true, message: recoverText.leaderNameRequired }]}
          >
            <Input placeholder={recoverText.leaderNamePlaceholder} maxLength={50} />
          </Form.Item>
          <Form.Item
            name="leaderIdNumber"
            label={recoverText.leaderIdNumber}
            rules={[{ required: true, whitespace: true, message: recoverText.leaderIdNumberRequired }]}
          >
            <Input placeholder={recoverText.leaderIdNumberPlaceholder} maxLength={32} />
          </Form.Item>
        </>
      )}
      <ProblemAlert
        failure={failure}
        onWait={setWait}
        description={
          failure?.code === 'NO_MATCH' ? (
            <>
              {recoverText.noMatchHint}
              <Link to="/self-service">{recoverText.noMatchSelfService}</Link>
            </>
          ) : undefined
        }
      />
      <Form.Item style={{ marginBottom: 0 }}>
        <Button type="primary" htmlType="submit" block loading={submitting} disabled={wait > 0}>
          {wait > 0 ? commonText.retryAfter(wait) : recoverText.submit}
        </Button>
      </Form.Item>
    </Form>
  );
}
