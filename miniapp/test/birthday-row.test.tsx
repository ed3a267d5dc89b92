import Taro from '@tarojs/taro'
import { fireEvent, render, waitFor } from '@testing-library/react'
import BirthdayRow from '../src/components/birthday-row'

jest.mock('@tarojs/taro', () =>
  require('./support/taro-mock').createTaroMock({
    taro: { showModal: jest.fn(async () => ({ confirm: true, cancel: false })) },
  }),
)

const request = Taro.request as unknown as jest.Mock
const showToast = Taro.showToast as unknown as jest.Mock
const showModal = Taro.showModal as unknown as jest.Mock
type Call = { url: string; method: string; data?: unknown }

beforeEach(() => {
  request.mockReset()
  showToast.mockClear()
  showModal.mockClear()
})

describe('BirthdayRow', () => {
  it('shows a birthday on file and offers no way to change it', () => {
    const view = render(<BirthdayRow birthday='1990-05-20' onSaved={jest.fn()} />)
    expect(view.getByTestId('birthday-value').textContent).toBe('1990-05-20')
    expect(view.queryByTestId('picker')).toBeNull()
  })

  it('confirms, saves the chosen date once, and reloads the card', async () => {
    request.mockImplementation(async () => ({ statusCode: 200, data: { birthday: '1992-11-03' } }))
    const onSaved = jest.fn()
    const view = render(<BirthdayRow birthday={null} onSaved={onSaved} />)
    fireEvent.change(view.getByTestId('picker'), { target: { value: '1992-11-03' } })
    await waitFor(() => expect(onSaved).toHaveBeenCalled())
    expect(showModal.mock.calls[0][0].content).toContain('1992-11-03')
    const calls = request.mock.calls.map((c) => c[0] as Call)
    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({ method: 'POST', data: { birthday: '1992-11-03' } })
    expect(calls[0]!.url).toMatch(/\/api\/me\/birthday$/)
  })

  it("sends nothing when the member cancels, and shows the server's refusal in Chinese", async () => {
    showModal.mockResolvedValueOnce({ confirm: false, cancel: true })
    const view = render(<BirthdayRow birthday={null} onSaved={jest.fn()} />)
    fireEvent.change(view.getByTestId('picker'), { target: { value: '1992-11-03' } })
    await waitFor(() => expect(showModal).toHaveBeenCalled())
    expect(request).not.toHaveBeenCalled()

    request.mockImplementation(async () => ({
      statusCode: 409,
      data: { error: { code: 'MEMBER.BIRTHDAY_ALREADY_SET', message: 'en', requestId: 'r' } },
    }))
    fireEvent.change(view.getByTestId('picker'), { target: { value: '1992-11-04' } })
    await waitFor(() =>
      expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '生日已设置，如需修改请联系服务台' })),
    )
  })
})
