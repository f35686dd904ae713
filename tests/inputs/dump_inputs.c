/*
 * dump_inputs: prints the input table (src/input/inputs.c) as JSON for
 * test_inputs.py, which holds it against action.yml and --help:
 * [{"name", "flag", "env": [...], "default", "ops": [...]}, ...].
 */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "input/inputs.h"

int
main(void)
{
	cJSON *all = cJSON_CreateArray(), *row, *list;
	char *out;
	size_t i;
	int k;

	for (i = 0; i < inputs_count; i++) {
		const struct inputs_row *r = &inputs_table[i];

		row = cJSON_CreateObject();
		cJSON_AddStringToObject(row, "name", r->in.name);
		if (r->flag)
			cJSON_AddStringToObject(row, "flag", r->flag);
		else
			cJSON_AddNullToObject(row, "flag");
		list = cJSON_AddArrayToObject(row, "env");
		for (k = 0; k < 2 && r->env[k]; k++)
			cJSON_AddItemToArray(
			    list, cJSON_CreateString(r->env[k]));
		if (r->in.dflt)
			cJSON_AddStringToObject(row, "default", r->in.dflt);
		else
			cJSON_AddNullToObject(row, "default");
		list = cJSON_AddArrayToObject(row, "ops");
		for (k = OP_REQUEST; k <= OP_SYNC; k++)
			if (r->ops & INPUTS_OP(k))
				cJSON_AddItemToArray(
				    list, cJSON_CreateString(
				              config_op_name((enum op)k)));
		cJSON_AddBoolToObject(row, "rule", r->rule != NULL);
		cJSON_AddItemToArray(all, row);
	}
	if ((out = cJSON_Print(all)) == NULL)
		return 1;
	puts(out);
	free(out);
	cJSON_Delete(all);
	return 0;
}
