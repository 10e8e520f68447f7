import { Type } from 'typebox';

export const MeSchema = Type.Object({
  id: Type.String(),
  type: Type.String({ description: 'volunteer | group | staff | admin' }),
  username: Type.String(),
  name: Type.String(),
  realNameStatus: Type.String({ description: 'pending | verified | failed | no_result' }),
  realNameLevel: Type.String({ description: 'none | basic | intermediate | advanced' }),
  volunteerNumber: Type.Union([Type.String(), Type.Null()]),
  siteCode: Type.String(),
  groupId: Type.Union([Type.String(), Type.Null()], { description: 'for a group account: its group id' }),
});
