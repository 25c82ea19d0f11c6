import test from 'node:test';
import assert from 'node:assert/strict';
import { people } from 'memkit-article';

const ada = { name: 'Ada', age: 36, email: 'ada@example.com' };

test("person JSON uses the article's keys and round-trips", () => {
  const json = people.personToJson(ada);
  assert.equal(json, '{"name":"Ada","age":36,"email":"ada@example.com"}');
  assert.deepEqual(people.personFromJson(json), ada);
});

test('a 1000-employee company round-trips and agrees with JSON.parse', () => {
  const company = {
    name: 'Analytical Engines Ltd',
    foundedYear: 1843,
    employees: Array.from({ length: 1000 }, (_, i) => ({ name: `Person ${i} "Ü"`, age: 20 + (i % 50), email: `p${i}@example.com` })),
  };
  const json = people.companyToJson(company);
  const parsed = JSON.parse(json);
  assert.equal(parsed.founded_year, 1843);
  assert.equal(parsed.employees[999].name, 'Person 999 "Ü"');
  assert.deepEqual(people.companyFromJson(json), company);
});

test('malformed JSON is an invalid json-error with line and column', () => {
  assert.throws(
    () => people.personFromJson('{\n  "name": "Ada",\n  "age": ,\n}'),
    (error) => {
      assert.equal(error.constructor.name, 'ComponentError');
      assert.equal(error.payload.tag, 'invalid');
      assert.deepEqual([error.payload.val.line, error.payload.val.column], [3, 10]);
      assert.match(error.payload.val.message, /expected value/);
      return true;
    },
  );
});

test('ages above u32, missing fields and mistyped values are errors; extra fields are ignored', () => {
  for (const json of ['{"name":"A","age":4294967296,"email":"e"}', '{"name":"A","age":-1,"email":"e"}', '{"name":"A","age":36}', '{"name":1,"age":1,"email":"e"}', '', 'null']) {
    assert.throws(
      () => people.personFromJson(json),
      (error) => error.payload.tag === 'invalid' && typeof error.payload.val.message === 'string',
    );
  }
  assert.equal(people.personFromJson('{"name":"A","age":1,"email":"e","role":"x","deep":[[[[]]]]}').name, 'A');
});

test('deep nesting does not overflow the stack', () => {
  const deep = `{"name":"x","founded_year":1,"employees":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
  assert.throws(() => people.companyFromJson(deep), (error) => error.payload.val.message.includes('invalid type'));
});
