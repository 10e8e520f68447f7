import { Type } from 'typebox';

export const IdTypeSchema = Type.Union(
  [Type.Literal('resident_id'), Type.Literal('passport'), Type.Literal('hk_macao_permit'), Type.Literal('taiwan_permit')],
  { description: '证件类型', default: 'resident_id' },
);

export const RegisterVolunteerBody = Type.Object({
  siteCode: Type.String({ pattern: '^[0-9]{2}$', description: 'home site: 2-digit province code' }),
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
  name: Type.String({ minLength: 1, maxLength: 50 }),
  idType: Type.Optional(IdTypeSchema),
  idNumber: Type.String({ minLength: 1, maxLength: 32 }),
  phone: Type.String({ minLength: 1, maxLength: 20 }),
  email: Type.String({ format: 'email', maxLength: 254 }),
  serviceRegionCode: Type.String({ pattern: '^[0-9]{6,12}$', description: 'county level or lower' }),
  serviceCategories: Type.Array(Type.String({ maxLength: 40 }), { minItems: 1, maxItems: 20, uniqueItems: true }),
  serviceFields: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20, uniqueItems: true })),
  skills: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: 20 })),
  captchaId: Type.Optional(Type.String({ maxLength: 64 })),
  captchaAnswer: Type.Optional(Type.String({ maxLength: 16 })),
  smsCode: Type.Optional(Type.String({ pattern: '^[0-9]{6}$' })),
});

export const RegisterVolunteerReply = Type.Object({
  id: Type.String(),
  username: Type.String(),
  realNameStatus: Type.String(),
  volunteerNumber: Type.Union([Type.String(), Type.Null()]),
});
