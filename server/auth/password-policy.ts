/** How long a password must and may be: pure, so forms and schemas in the browser read the same rule. */
export const passwordPolicy = { minLength: 12, maxLength: 200 } as const;
