import { people } from 'memkit';
import { measure } from '../web/bench.js';
const company = { name: 'A', foundedYear: 1843, employees: Array.from({ length: 1000 }, (_, i) => ({ name: `Employee ${i}`, age: 20 + (i % 45), email: `e${i}@example.com` })) };
const json = people.companyToJson(company);
for (let k = 0; k < 3; k++) console.log('toJson', measure(() => people.companyToJson(company)).toFixed(3), 'ms', 'fromJson', measure(() => people.companyFromJson(json)).toFixed(3), 'ms');
