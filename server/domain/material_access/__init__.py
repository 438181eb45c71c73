"""Opening raw customer material: a request, the customer's authorization (recorded by the case owner) and
legal's approval by two different people, neither the requester; then a time- and download-limited grant.

`requests` holds the commands up to the grant, `grants` revocation and the grant's state, `downloads` the
counting of reads, `reads` what the people involved see, `seats` who may see a material at all.
"""
