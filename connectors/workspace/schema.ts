// The Admin SDK answers the connector reads, permissive (extra fields pass), named after the
// discovery document's schemas (admin directory_v1: Users, User, Tokens, Token; reports_v1:
// Activities, Activity). Only the fields used are declared; the fixtures are typed against the
// client's own Schema$ types and a contract test checks their property names.
import { z } from 'zod';

export const User = z.looseObject({
  id: z.string(),
  primaryEmail: z.string(),
  suspended: z.boolean().optional(),
  archived: z.boolean().optional(),
});
export type User = z.infer<typeof User>;

export const Users = z.looseObject({
  users: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
});

export const Token = z.looseObject({
  clientId: z.string().min(1),
  displayText: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  anonymous: z.boolean().optional(),
  nativeApp: z.boolean().optional(),
  userKey: z.string().optional(),
});
export type Token = z.infer<typeof Token>;

export const Tokens = z.looseObject({ items: z.array(z.unknown()).optional() });

const Parameter = z.looseObject({
  name: z.string(),
  value: z.string().optional(),
  multiValue: z.array(z.string()).optional(),
  boolValue: z.boolean().optional(),
});

export const Activity = z.looseObject({
  id: z.looseObject({ time: z.string(), uniqueQualifier: z.string().optional() }),
  actor: z.looseObject({ email: z.string().optional(), profileId: z.string().optional() }).optional(),
  events: z
    .array(
      z.looseObject({
        type: z.string().optional(),
        name: z.string(),
        parameters: z.array(Parameter).optional(),
      }),
    )
    .optional(),
});
export type Activity = z.infer<typeof Activity>;

export const Activities = z.looseObject({
  items: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
});

/** Google's JSON error body of the Admin SDK: the legacy shape, with `errors[].reason`. */
export const ErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z
      .array(z.looseObject({ reason: z.string().optional(), message: z.string().optional() }))
      .optional(),
  }),
});
